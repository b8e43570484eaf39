//! Frames of an established channel: each attack or accident ends the
//! channel with its own error — tampered, replayed, reordered, reflected,
//! truncated, oversized — and a failed channel stays closed.

use crate::common;

use cohort_channel::{ChannelError, MAX_CHUNK, MAX_FRAME};
use common::*;

#[test]
fn a_tampered_frame_is_rejected() {
    let (mut a, mut b) = pair();
    let mut frame = a.seal(b"pay 10").unwrap().remove(0);
    let last = frame.len() - 20;
    frame[last] ^= 0x80;
    assert_eq!(b.open(&frame), Err(ChannelError::Tampered { counter: 0 }));
}

#[test]
fn a_tampered_flag_is_rejected() {
    let (mut a, mut b) = pair();
    let mut frame = a.seal(b"x").unwrap().remove(0);
    frame[8] ^= 1; // the "last chunk" flag is authenticated
    assert_eq!(b.open(&frame), Err(ChannelError::Tampered { counter: 0 }));
}

#[test]
fn a_replayed_frame_is_rejected() {
    let (mut a, mut b) = pair();
    let frame = a.seal(b"vote yes").unwrap().remove(0);
    assert_eq!(b.open(&frame).unwrap(), Some(b"vote yes".to_vec()));
    assert_eq!(b.open(&frame), Err(ChannelError::Replayed { counter: 0, expected: 1 }));
}

#[test]
fn a_reordered_frame_is_rejected() {
    let (mut a, mut b) = pair();
    let first = a.seal(b"one").unwrap().remove(0);
    let second = a.seal(b"two").unwrap().remove(0);
    assert_eq!(b.open(&second), Err(ChannelError::Reordered { counter: 1, expected: 0 }));
    let _ = first;
}

#[test]
fn a_reflected_frame_is_rejected() {
    let (mut a, _b) = pair();
    let frame = a.seal(b"to b").unwrap().remove(0);
    assert_eq!(a.open(&frame), Err(ChannelError::Reflected { counter: 0 }));
}

#[test]
fn a_truncated_frame_and_a_truncated_stream_are_rejected() {
    let (mut a, mut b) = pair();
    let frame = a.seal(b"hello").unwrap().remove(0);
    assert!(matches!(b.open(&frame[..10]), Err(ChannelError::Truncated(_))));

    let (mut a, mut b) = pair();
    let frames = a.seal(&vec![1u8; MAX_CHUNK + 10]).unwrap();
    assert_eq!(frames.len(), 2, "a long message is split");
    assert_eq!(b.open(&frames[0]).unwrap(), None);
    let err = b.end_of_stream().unwrap_err();
    assert!(matches!(err, ChannelError::Truncated(ref why) if why.contains("inside a message")), "{err}");
}

#[test]
fn oversized_frames_and_messages_are_rejected() {
    let (mut a, mut b) = pair();
    let huge = vec![0u8; MAX_FRAME + 1];
    assert!(matches!(b.open(&huge), Err(ChannelError::Oversized(_))));

    let (a2, b2) = pair();
    let (mut a2, mut b2) = (a2.with_max_message(3 * MAX_CHUNK), b2.with_max_message(MAX_CHUNK + MAX_CHUNK / 2));
    assert!(matches!(a2.seal(&vec![0u8; 3 * MAX_CHUNK + 1]), Err(ChannelError::Oversized(_))));
    let frames = a2.seal(&vec![0u8; 2 * MAX_CHUNK]).unwrap();
    assert_eq!(b2.open(&frames[0]).unwrap(), None);
    assert!(matches!(b2.open(&frames[1]), Err(ChannelError::Oversized(_))));
    let _ = a.seal(b"fine").unwrap();
}

#[test]
fn a_failed_channel_stays_closed() {
    let (mut a, mut b) = pair();
    let frames: Vec<Vec<u8>> = (0..3).map(|i| a.seal(&[i]).unwrap().remove(0)).collect();
    assert!(b.open(&frames[1]).is_err());
    for f in &frames {
        assert!(matches!(b.open(f), Err(ChannelError::Closed(_))), "no frame is accepted after a failure");
    }
    assert!(matches!(b.seal(b"x"), Err(ChannelError::Closed(_))));
}
