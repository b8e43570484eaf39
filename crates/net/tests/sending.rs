//! A send never waits for the peer to read: what the socket's buffer does
//! not take at once is written by the connection's writer thread, behind
//! it in order. So two parties that both send more than their buffers hold
//! before either reads do not deadlock, and every frame arrives whole and
//! in order, however the kernel split it between the two.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use cohort_mpc::Transport;

use crate::common::pair;

/// Frame `i` of a sequence: `len` bytes, a pattern that tells frames apart.
fn frame(i: usize, len: usize) -> Vec<u8> {
    (0..len).map(|k| (i * 31 + k * 7) as u8).collect()
}

/// Runs `body` on its own thread and fails if it takes longer than a
/// minute (a send that waited for a read would wait for ever).
fn within_a_minute(body: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        body();
        done.send(()).unwrap();
    });
    finished.recv_timeout(Duration::from_secs(60)).expect("the sends and receives finished");
}

/// Each side sends 200 frames of 30 KB (6 MB, far beyond loopback's socket
/// buffers) before either reads, from one thread: a send that waited for
/// the peer to read would never return.
#[test]
fn both_sides_send_more_than_the_buffers_hold_before_reading() {
    within_a_minute(|| {
        let (mut zero, mut one) = pair(Duration::ZERO);
        let sizes: Vec<usize> = vec![30 << 10; 200];
        for (i, &len) in sizes.iter().enumerate() {
            zero.send(1, frame(i, len)).unwrap();
            one.send(0, frame(i + 1000, len)).unwrap();
        }
        for (i, &len) in sizes.iter().enumerate() {
            assert_eq!(one.recv(0).unwrap(), frame(i, len), "frame {i} from party 0");
            assert_eq!(zero.recv(1).unwrap(), frame(i + 1000, len), "frame {i} from party 1");
        }
    });
}

/// Frames of every size, read as they come: small ones after large ones
/// that the buffer took only in part (while the writer thread finishes
/// those, the reader makes room, and a small frame must still wait its
/// turn), empty ones, and ones whose length prefix alone was taken: all
/// arrive whole and in order.
#[test]
fn frames_of_mixed_sizes_arrive_whole_and_in_order() {
    const SIZES: [usize; 12] = [10, 3 << 20, 0, 10, 100 << 10, 1, 5 << 20, 7, 64 << 10, 0, 2 << 20, 3];
    const ROUNDS: usize = 20;
    within_a_minute(|| {
        let (mut zero, mut one) = pair(Duration::ZERO);
        let reader = thread::spawn(move || {
            for round in 0..ROUNDS {
                for (i, &len) in SIZES.iter().enumerate() {
                    assert_eq!(one.recv(0).unwrap(), frame(round + i, len), "frame {i} of {len} bytes in round {round}");
                }
            }
        });
        for round in 0..ROUNDS {
            for (i, &len) in SIZES.iter().enumerate() {
                zero.send(1, frame(round + i, len)).unwrap();
            }
        }
        reader.join().unwrap();
    });
}
