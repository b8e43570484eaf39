//! Frames of an established channel: ChaCha20-Poly1305 with one key per
//! direction and the frame counter as nonce.
//!
//! ```text
//! frame = counter: u64 LE | flags: u8 (bit 0: last chunk of a message) | ciphertext and tag
//! ```
//!
//! The counter and flags are authenticated as associated data. A message
//! longer than [`MAX_CHUNK`] is split into several frames. A frame that is
//! tampered with, replayed, reordered, reflected back to its sender,
//! truncated or oversized is rejected with its own error, and any error
//! closes the channel for good.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

use crate::error::ChannelError;

/// The most plaintext bytes in one frame (as a Noise transport message).
pub const MAX_CHUNK: usize = 65_535 - TAG;
/// Frame header: counter and flags.
pub const HEADER: usize = 9;
const TAG: usize = 16;
/// The largest frame: header, a full chunk and its tag.
pub const MAX_FRAME: usize = HEADER + MAX_CHUNK + TAG;
/// The largest message by default: 256 MiB.
pub const DEFAULT_MAX_MESSAGE: usize = 256 << 20;
const LAST: u8 = 1;

struct Direction {
    cipher: ChaCha20Poly1305,
    counter: u64,
}

impl Direction {
    fn new(key: &[u8; 32]) -> Self {
        Direction { cipher: ChaCha20Poly1305::new_from_slice(key).expect("a 32-byte key"), counter: 0 }
    }
}

fn nonce(counter: u64) -> Nonce {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&counter.to_le_bytes());
    Nonce::from(n)
}

/// One end of an established secure channel.
pub struct SecureChannel {
    send: Direction,
    recv: Direction,
    partial: Vec<u8>,
    max_message: usize,
    failed: Option<ChannelError>,
}

impl SecureChannel {
    pub(crate) fn new(send_key: &[u8; 32], recv_key: &[u8; 32]) -> Self {
        SecureChannel {
            send: Direction::new(send_key),
            recv: Direction::new(recv_key),
            partial: Vec::new(),
            max_message: DEFAULT_MAX_MESSAGE,
            failed: None,
        }
    }

    /// Limits the size of messages this end accepts and sends.
    pub fn with_max_message(mut self, max: usize) -> Self {
        self.max_message = max;
        self
    }

    fn fail(&mut self, e: ChannelError) -> ChannelError {
        self.failed = Some(e.clone());
        e
    }

    fn check_open(&self) -> Result<(), ChannelError> {
        match &self.failed {
            Some(e) => Err(ChannelError::Closed(e.to_string())),
            None => Ok(()),
        }
    }

    /// Encrypts `msg` into one or more frames, to be delivered in order.
    pub fn seal(&mut self, msg: &[u8]) -> Result<Vec<Vec<u8>>, ChannelError> {
        self.check_open()?;
        if msg.len() > self.max_message {
            return Err(ChannelError::Oversized(format!("a message of {} bytes exceeds the limit of {}", msg.len(), self.max_message)));
        }
        let chunks: Vec<&[u8]> = if msg.is_empty() { vec![&[][..]] } else { msg.chunks(MAX_CHUNK).collect() };
        let last = chunks.len() - 1;
        let mut frames = Vec::with_capacity(chunks.len());
        for (i, chunk) in chunks.into_iter().enumerate() {
            let counter = self.send.counter;
            let flags = if i == last { LAST } else { 0 };
            let mut header = [0u8; HEADER];
            header[..8].copy_from_slice(&counter.to_le_bytes());
            header[8] = flags;
            let sealed = self
                .send
                .cipher
                .encrypt(&nonce(counter), Payload { msg: chunk, aad: &header })
                .map_err(|_| ChannelError::Oversized("a chunk too large to encrypt".into()))?;
            self.send.counter = counter.checked_add(1).ok_or_else(|| ChannelError::Oversized("2^64 frames on one channel".into()))?;
            let mut frame = header.to_vec();
            frame.extend(sealed);
            frames.push(frame);
        }
        Ok(frames)
    }

    /// Reads the next frame; returns a message when its last frame arrives.
    pub fn open(&mut self, frame: &[u8]) -> Result<Option<Vec<u8>>, ChannelError> {
        self.check_open()?;
        self.open_frame(frame).map_err(|e| self.fail(e))
    }

    fn open_frame(&mut self, frame: &[u8]) -> Result<Option<Vec<u8>>, ChannelError> {
        if frame.len() < HEADER + TAG {
            return Err(ChannelError::Truncated(format!(
                "a frame of {} bytes is shorter than its header and tag ({})",
                frame.len(),
                HEADER + TAG
            )));
        }
        if frame.len() > MAX_FRAME {
            return Err(ChannelError::Oversized(format!("a frame of {} bytes exceeds the limit of {MAX_FRAME}", frame.len())));
        }
        let (header, body) = frame.split_at(HEADER);
        let counter = u64::from_le_bytes(header[..8].try_into().expect("8 bytes"));
        let expected = self.recv.counter;
        let opened =
            if counter == expected { self.recv.cipher.decrypt(&nonce(counter), Payload { msg: body, aad: header }).ok() } else { None };
        let Some(chunk) = opened else {
            // Only on failure: was it one of our own frames, sent back?
            if self.send.cipher.decrypt(&nonce(counter), Payload { msg: body, aad: header }).is_ok() {
                return Err(ChannelError::Reflected { counter });
            }
            return Err(match counter.cmp(&expected) {
                core::cmp::Ordering::Less => ChannelError::Replayed { counter, expected },
                core::cmp::Ordering::Greater => ChannelError::Reordered { counter, expected },
                core::cmp::Ordering::Equal => ChannelError::Tampered { counter },
            });
        };
        self.recv.counter += 1;
        if self.partial.len() + chunk.len() > self.max_message {
            return Err(ChannelError::Oversized(format!("a message over the limit of {} bytes", self.max_message)));
        }
        self.partial.extend_from_slice(&chunk);
        Ok((header[8] & LAST != 0).then(|| core::mem::take(&mut self.partial)))
    }

    /// Call when the underlying stream ends: an error if it ended inside a message.
    pub fn end_of_stream(&mut self) -> Result<(), ChannelError> {
        self.check_open()?;
        if !self.partial.is_empty() {
            let e = ChannelError::Truncated(format!("the stream ended inside a message, after {} bytes of it", self.partial.len()));
            return Err(self.fail(e));
        }
        Ok(())
    }
}
