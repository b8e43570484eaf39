//! Frames of an established channel: ChaCha20-Poly1305 (RFC 8439,
//! RustCrypto's `chacha20poly1305`) with one key per direction and the frame
//! counter as nonce. Its ChaCha20 is `cohort_chacha::ChaCha20`: RustCrypto's
//! natively, four blocks at a time in WebAssembly's SIMD in the browser.
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

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaChaPoly1305, Nonce, Tag};

/// RustCrypto's ChaCha20-Poly1305 over the ChaCha20 that is fastest here
/// (the handshake's too).
pub(crate) type ChaCha20Poly1305 = ChaChaPoly1305<cohort_chacha::ChaCha20>;

use crate::error::ChannelError;

/// The most plaintext bytes in one frame: 1 MiB less the tag. (Noise's own
/// transport messages stop at 64 KiB; larger frames mean fewer writes for
/// the engine's large rounds, and the bound still caps what a peer can make
/// this side buffer before authenticating it.)
pub const MAX_CHUNK: usize = (1 << 20) - TAG;
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
    chunk: usize,
    failed: Option<ChannelError>,
}

impl SecureChannel {
    pub(crate) fn new(send_key: &[u8; 32], recv_key: &[u8; 32]) -> Self {
        SecureChannel {
            send: Direction::new(send_key),
            recv: Direction::new(recv_key),
            partial: Vec::new(),
            max_message: DEFAULT_MAX_MESSAGE,
            chunk: MAX_CHUNK,
            failed: None,
        }
    }

    /// The bytes of the frames a message of `len` bytes becomes in chunks of
    /// `chunk` bytes (clamped to 1 to [`MAX_CHUNK`]): the message and each
    /// frame's header and tag.
    pub fn framed_len(len: usize, chunk: usize) -> usize {
        let frames = len.div_ceil(chunk.clamp(1, MAX_CHUNK)).max(1);
        len.saturating_add(frames.saturating_mul(HEADER + TAG))
    }

    /// Limits the size of messages this end accepts and sends.
    pub fn with_max_message(mut self, max: usize) -> Self {
        self.max_message = max;
        self
    }

    /// Splits sent messages into chunks of at most `chunk` bytes (1 to
    /// [`MAX_CHUNK`]), for transports with small messages such as WebRTC
    /// data channels. The receiver accepts any chunk size.
    pub fn with_chunk(mut self, chunk: usize) -> Self {
        self.chunk = chunk.clamp(1, MAX_CHUNK);
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
        let chunks: Vec<&[u8]> = if msg.is_empty() { vec![&[][..]] } else { msg.chunks(self.chunk).collect() };
        let last = chunks.len() - 1;
        let mut frames = Vec::with_capacity(chunks.len());
        for (i, chunk) in chunks.into_iter().enumerate() {
            let counter = self.send.counter;
            let flags = if i == last { LAST } else { 0 };
            let mut frame = Vec::with_capacity(HEADER + chunk.len() + TAG);
            frame.extend_from_slice(&counter.to_le_bytes());
            frame.push(flags);
            frame.extend_from_slice(chunk);
            let (header, body) = frame.split_at_mut(HEADER);
            let tag = self
                .send
                .cipher
                .encrypt_inout_detached(&nonce(counter), header, body.into())
                .map_err(|_| ChannelError::Oversized("a chunk too large to encrypt".into()))?;
            frame.extend_from_slice(&tag);
            self.send.counter = counter.checked_add(1).ok_or_else(|| ChannelError::Oversized("2^64 frames on one channel".into()))?;
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
        let (header, sealed) = frame.split_at(HEADER);
        let (body, tag) = sealed.split_at(sealed.len() - TAG);
        let tag = Tag::try_from(tag).expect("16 bytes");
        let counter = u64::from_le_bytes(header[..8].try_into().expect("8 bytes"));
        let expected = self.recv.counter;
        if self.partial.len() + body.len() > self.max_message {
            return Err(ChannelError::Oversized(format!("a message over the limit of {} bytes", self.max_message)));
        }
        // Decrypt in place at the end of the message being assembled.
        let start = self.partial.len();
        self.partial.extend_from_slice(body);
        let opened = counter == expected
            && self.recv.cipher.decrypt_inout_detached(&nonce(counter), header, (&mut self.partial[start..]).into(), &tag).is_ok();
        if !opened {
            self.partial.truncate(start);
            // Only on failure: was it one of our own frames, sent back?
            let mut copy = body.to_vec();
            if self.send.cipher.decrypt_inout_detached(&nonce(counter), header, copy.as_mut_slice().into(), &tag).is_ok() {
                return Err(ChannelError::Reflected { counter });
            }
            return Err(match counter.cmp(&expected) {
                core::cmp::Ordering::Less => ChannelError::Replayed { counter, expected },
                core::cmp::Ordering::Greater => ChannelError::Reordered { counter, expected },
                core::cmp::Ordering::Equal => ChannelError::Tampered { counter },
            });
        }
        self.recv.counter += 1;
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
