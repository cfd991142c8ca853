//! Encryption at rest: with a file key configured, every stored object is sealed with
//! AES-256-GCM in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) as the
//! `aead` crate implements it: the file is cut into chunks, each sealed under a per-file random
//! nonce prefix with its position and a last-chunk flag, so chunks cannot be reordered,
//! dropped or cut short without the open failing.
//!
//! Layout: `GHS1` | 7-byte nonce prefix | chunks of [`CHUNK`] + 16 bytes, the last shorter.

use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::aead::KeyInit;
use aes_gcm::{Aes256Gcm, Key};
use rand::RngCore;

/// Plaintext bytes per sealed chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"GHS1";
const PREFIX: usize = 7;

/// The instance's file key: 32 bytes from the settings.
#[derive(Clone)]
pub struct FileKey(Key<Aes256Gcm>);

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the file key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("a stored file does not open with the file key (changed, or the file was altered)")]
    Open,
}

impl FileKey {
    /// The key from its base64 form (`GATEHOUSE_FILE_KEY`).
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| SealError::BadKey)?;
        let bytes: [u8; 32] = raw.try_into().map_err(|_| SealError::BadKey)?;
        Ok(Self(bytes.into()))
    }
}

/// Seals a file chunk by chunk: feed it plaintext with [`Sealer::push`], then [`Sealer::finish`].
pub struct Sealer {
    inner: EncryptorBE32<Aes256Gcm>,
    pending: Vec<u8>,
}

impl Sealer {
    /// A sealer with a fresh nonce prefix, and the header to write before its output.
    pub fn new(key: &FileKey) -> (Self, Vec<u8>) {
        let mut prefix = [0u8; PREFIX];
        rand::rng().fill_bytes(&mut prefix);
        let cipher = Aes256Gcm::new(&key.0);
        let inner = EncryptorBE32::from_aead(cipher, prefix.as_slice().into());
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&prefix);
        (
            Self {
                inner,
                pending: Vec::with_capacity(CHUNK),
            },
            header,
        )
    }

    /// Takes plaintext; returns the sealed chunks it completed. A full chunk is held back until
    /// more arrives, since the last chunk is sealed differently.
    pub fn push(&mut self, mut plain: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut out = Vec::new();
        while !plain.is_empty() {
            if self.pending.len() == CHUNK {
                let sealed = self
                    .inner
                    .encrypt_next(self.pending.as_slice())
                    .map_err(|_| SealError::Open)?;
                out.extend_from_slice(&sealed);
                self.pending.clear();
            }
            let take = (CHUNK - self.pending.len()).min(plain.len());
            self.pending.extend_from_slice(&plain[..take]);
            plain = &plain[take..];
        }
        Ok(out)
    }

    /// The last chunk.
    pub fn finish(self) -> Result<Vec<u8>, SealError> {
        self.inner
            .encrypt_last(self.pending.as_slice())
            .map_err(|_| SealError::Open)
    }
}

/// Opens a sealed object as its bytes arrive, so a large file is never whole in memory: feed it
/// with [`Opener::push`], then [`Opener::finish`]. Each chunk is authenticated before any of it
/// is handed out; a file cut short or altered fails at its chunk.
pub struct Opener {
    key: FileKey,
    inner: Option<DecryptorBE32<Aes256Gcm>>,
    pending: Vec<u8>,
}

impl Opener {
    pub fn new(key: &FileKey) -> Self {
        Self {
            key: key.clone(),
            inner: None,
            pending: Vec::with_capacity(2 * (CHUNK + TAG)),
        }
    }

    /// Takes sealed bytes; returns the plaintext of the chunks it completed. One chunk is held
    /// back until more arrives, since the last chunk opens differently.
    pub fn push(&mut self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        self.pending.extend_from_slice(sealed);
        let inner = match self.inner.as_mut() {
            Some(inner) => inner,
            None if self.pending.len() < MAGIC.len() + PREFIX => return Ok(Vec::new()),
            None => {
                let header: Vec<u8> = self.pending.drain(..MAGIC.len() + PREFIX).collect();
                let prefix = header
                    .strip_prefix(MAGIC.as_slice())
                    .ok_or(SealError::Open)?;
                let cipher = Aes256Gcm::new(&self.key.0);
                self.inner
                    .insert(DecryptorBE32::from_aead(cipher, prefix.into()))
            }
        };
        let mut out = Vec::new();
        while self.pending.len() > CHUNK + TAG {
            let chunk: Vec<u8> = self.pending.drain(..CHUNK + TAG).collect();
            out.extend_from_slice(
                &inner
                    .decrypt_next(chunk.as_slice())
                    .map_err(|_| SealError::Open)?,
            );
        }
        Ok(out)
    }

    /// The last chunk.
    pub fn finish(self) -> Result<Vec<u8>, SealError> {
        let inner = self.inner.ok_or(SealError::Open)?;
        inner
            .decrypt_last(self.pending.as_slice())
            .map_err(|_| SealError::Open)
    }
}

/// Opens a whole sealed object.
pub fn open(key: &FileKey, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    let body = sealed
        .strip_prefix(MAGIC.as_slice())
        .ok_or(SealError::Open)?;
    if body.len() < PREFIX + TAG {
        return Err(SealError::Open);
    }
    let (prefix, chunks) = body.split_at(PREFIX);
    let cipher = Aes256Gcm::new(&key.0);
    let mut inner = DecryptorBE32::from_aead(cipher, prefix.into());
    let mut out = Vec::with_capacity(chunks.len());
    let mut rest = chunks;
    while rest.len() > CHUNK + TAG {
        let (chunk, tail) = rest.split_at(CHUNK + TAG);
        out.extend_from_slice(&inner.decrypt_next(chunk).map_err(|_| SealError::Open)?);
        rest = tail;
    }
    out.extend_from_slice(&inner.decrypt_last(rest).map_err(|_| SealError::Open)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FileKey {
        FileKey::from_base64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=").unwrap()
    }

    #[test]
    fn a_sealed_file_opens_piece_by_piece_and_refuses_cuts_and_changes() {
        let plain: Vec<u8> = (0..3 * CHUNK + 123).map(|i| (i % 251) as u8).collect();
        let sealed = seal(&plain, 3);
        for piece in [1, 5, 11, 4096, CHUNK + TAG, sealed.len()] {
            let mut opener = Opener::new(&key());
            let mut out = Vec::new();
            for part in sealed.chunks(piece) {
                out.extend(opener.push(part).unwrap());
            }
            out.extend(opener.finish().unwrap());
            assert_eq!(out, plain, "pieces of {piece}");
        }
        let open_all = |bytes: &[u8]| {
            let mut opener = Opener::new(&key());
            opener.push(bytes)?;
            opener.finish()
        };
        assert!(
            open_all(&sealed[..sealed.len() - CHUNK]).is_err(),
            "cut short"
        );
        let mut changed = sealed.clone();
        changed[MAGIC.len() + PREFIX + 10] ^= 1;
        assert!(open_all(&changed).is_err(), "altered");
        assert!(open_all(b"GHS").is_err(), "no header");
    }

    fn seal(plain: &[u8], pieces: usize) -> Vec<u8> {
        let (mut sealer, mut out) = Sealer::new(&key());
        for part in plain.chunks(plain.len().div_ceil(pieces).max(1)) {
            out.extend(sealer.push(part).unwrap());
        }
        out.extend(sealer.finish().unwrap());
        out
    }

    #[test]
    fn sealed_files_open_to_the_same_bytes_at_every_size() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&plain, 3);
            // A run of 64 plaintext bytes would not survive sealing; a shorter one can turn up
            // in ciphertext by chance.
            if len >= 64 {
                assert!(!sealed.windows(64).any(|w| w == &plain[..64]));
            }
            assert_eq!(open(&key(), &sealed).unwrap(), plain, "length {len}");
        }
    }

    #[test]
    fn two_seals_of_one_file_differ() {
        assert_ne!(seal(b"same", 1), seal(b"same", 1));
    }

    #[test]
    fn tampering_cutting_and_the_wrong_key_fail() {
        let plain = vec![7u8; 2 * CHUNK + 5];
        let sealed = seal(&plain, 1);
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert!(open(&key(), &flipped).is_err());
        assert!(
            open(&key(), &sealed[..4 + PREFIX + CHUNK + TAG]).is_err(),
            "cut after a chunk"
        );
        let other = FileKey::from_base64("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=").unwrap();
        assert!(open(&other, &sealed).is_err());
        assert!(FileKey::from_base64("c2hvcnQ=").is_err());
    }
}
