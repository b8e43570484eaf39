//! Chunk sizes: a sender may cut messages into small frames (as browsers'
//! data channels need); the receiver reassembles them whatever the size.

use crate::common;

use common::*;

#[test]
fn small_chunks_make_small_frames_that_reassemble() {
    let (a, mut b) = pair();
    let mut a = a.with_chunk(1000);
    let msg: Vec<u8> = (0..3500u32).map(|i| i as u8).collect();
    let frames = a.seal(&msg).unwrap();
    assert_eq!(frames.len(), 4);
    assert!(frames.iter().all(|f| f.len() <= 1000 + cohort_channel::HEADER + 16));
    let opened: Vec<Option<Vec<u8>>> = frames.iter().map(|f| b.open(f).unwrap()).collect();
    assert_eq!(opened[..3], [None, None, None]);
    assert_eq!(opened[3].as_deref(), Some(&msg[..]));
    // The default chunk still sends in one frame, and a chunk of 0 is taken as 1.
    let (mut c, _) = pair();
    assert_eq!(c.seal(&msg).unwrap().len(), 1);
    let (d, _) = pair();
    assert_eq!(d.with_chunk(0).seal(b"abc").unwrap().len(), 3);
}
