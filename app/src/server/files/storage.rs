//! One storage interface, two back ends: a private directory on disk (the default) and
//! S3-compatible object storage for deployments of several servers. Both come from
//! `object_store`; Gatehouse adds random object names, sealing (`sealing`) and the spool
//! directory uploads arrive in.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncReadExt;

use super::sealing::{self, FileKey, Opener, SealError, Sealer};
use super::spool::Spooled;

/// Where the bytes live.
#[derive(Clone, Debug)]
pub enum Location {
    /// A private directory, never under the site root.
    Disk(PathBuf),
    S3(S3Settings),
}

#[derive(Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// `http://127.0.0.1:9000` for an S3-compatible server; unset for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage: {0}")]
    Store(#[from] object_store::Error),
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Seal(#[from] SealError),
}

/// Parts of one upload being written at once: enough to overlap reading the spool with
/// writing, few enough that memory per upload stays a couple of parts.
const PARTS_IN_FLIGHT: usize = 2;

/// The files' storage: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    key: Option<FileKey>,
    spool: PathBuf,
    backend: &'static str,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("backend", &self.backend)
            .field("sealed", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl Storage {
    /// Opens the back end at `location`; uploads are spooled under `spool_root`.
    pub fn open(
        location: &Location,
        spool_root: &Path,
        key: Option<FileKey>,
    ) -> Result<Self, StorageError> {
        let (store, backend): (Arc<dyn ObjectStore>, _) = match location {
            Location::Disk(dir) => {
                std::fs::create_dir_all(dir)?;
                let local = object_store::local::LocalFileSystem::new_with_prefix(dir)?
                    .with_automatic_cleanup(true);
                (Arc::new(local), "disk")
            }
            Location::S3(s3) => {
                // reqwest is built without a TLS provider of its own; ring is the one Gatehouse
                // already carries. Installing it twice is harmless.
                drop(rustls::crypto::ring::default_provider().install_default());
                let mut builder = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(&s3.secret_access_key);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                (Arc::new(builder.build()?), "s3")
            }
        };
        Ok(Self {
            store,
            key,
            spool: super::spool::spool_dir(spool_root)?,
            backend,
        })
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Where uploads are written while they arrive.
    pub fn spool_dir(&self) -> &Path {
        &self.spool
    }

    /// Whether new objects are sealed.
    pub fn seals(&self) -> bool {
        self.key.is_some()
    }

    /// Stores a spooled upload under a fresh random name, streaming it (sealed when a key is
    /// configured); returns the name.
    pub async fn store(&self, upload: &Spooled) -> Result<String, StorageError> {
        let name = format!("objects/{}", uuid::Uuid::new_v4().simple());
        let upload_to = self
            .store
            .put_multipart(&ObjectPath::from(name.as_str()))
            .await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload_to, self.part_size());
        match self.write(&mut writer, upload).await {
            Ok(()) => {
                writer.finish().await?;
                Ok(name)
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "abandoned upload not cleaned up");
                }
                Err(e)
            }
        }
    }

    async fn write(
        &self,
        writer: &mut WriteMultipart,
        upload: &Spooled,
    ) -> Result<(), StorageError> {
        let mut file = tokio::fs::File::open(upload.path()).await?;
        let mut buf = vec![0u8; sealing::CHUNK];
        let mut sealer = self.key.as_ref().map(|key| {
            let (sealer, header) = Sealer::new(key);
            writer.write(&header);
            sealer
        });
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            match sealer.as_mut() {
                Some(s) => writer.write(&s.push(&buf[..n])?),
                None => writer.write(&buf[..n]),
            }
            writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        }
        if let Some(s) = sealer {
            writer.write(&s.finish()?);
        }
        Ok(())
    }

    /// How much of an upload is held in memory per part. S3 refuses parts under 5 MiB (but the
    /// last); a directory takes any size, so there an upload holds a quarter of a megabyte at a
    /// time and twenty at once leave the server's memory where it was.
    fn part_size(&self) -> usize {
        if self.backend == "disk" {
            256 * 1024
        } else {
            5 * 1024 * 1024
        }
    }

    /// A whole object, opened if it was sealed.
    pub async fn read(&self, name: &str, sealed: bool) -> Result<Bytes, StorageError> {
        let bytes = self
            .store
            .get(&ObjectPath::from(name))
            .await?
            .bytes()
            .await?;
        if !sealed {
            return Ok(bytes);
        }
        let key = self.key.as_ref().ok_or(SealError::Open)?;
        Ok(Bytes::from(sealing::open(key, &bytes)?))
    }

    /// A whole object streamed as it comes from the back end, opened chunk by chunk if it was
    /// sealed: memory stays at a chunk or two however large the file. A sealed object that
    /// does not open ends the stream with an error at the chunk that failed.
    pub async fn stream_all(
        &self,
        name: &str,
        sealed: bool,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        let got = self
            .store
            .get(&ObjectPath::from(name))
            .await?
            .into_stream()
            .map(|r| r.map_err(StorageError::from));
        if !sealed {
            return Ok(got.boxed());
        }
        let opener = Opener::new(self.key.as_ref().ok_or(SealError::Open)?);
        Ok(
            futures::stream::unfold((got, Some(opener)), |(mut got, opener)| async move {
                let mut opener = opener?;
                loop {
                    let opened = match got.next().await {
                        Some(Ok(bytes)) => match opener.push(&bytes) {
                            Ok(plain) if plain.is_empty() => continue,
                            Ok(plain) => Ok(Bytes::from(plain)),
                            Err(e) => return Some((Err(e.into()), (got, None))),
                        },
                        Some(Err(e)) => return Some((Err(e), (got, None))),
                        None => {
                            let last = opener.finish().map(Bytes::from).map_err(Into::into);
                            return Some((last, (got, None)));
                        }
                    };
                    return Some((opened, (got, Some(opener))));
                }
            })
            .boxed(),
        )
    }

    /// The bytes of `range` of an unsealed object, streamed as they come from the back end.
    pub async fn stream(
        &self,
        name: &str,
        range: Range<u64>,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        let options = GetOptions {
            range: Some(GetRange::Bounded(range)),
            ..GetOptions::default()
        };
        let got = self
            .store
            .get_opts(&ObjectPath::from(name), options)
            .await?;
        Ok(got
            .into_stream()
            .map(|r| r.map_err(StorageError::from))
            .boxed())
    }

    /// The object's stored bytes, as they are at rest (a test looks at what is on disk).
    pub async fn raw(&self, name: &str) -> Result<Bytes, StorageError> {
        Ok(self
            .store
            .get(&ObjectPath::from(name))
            .await?
            .bytes()
            .await?)
    }

    /// Every stored object's name: what a backup copies.
    pub async fn names(&self) -> Result<Vec<String>, StorageError> {
        let mut listed = self.store.list(None);
        let mut names = Vec::new();
        while let Some(meta) = listed.next().await {
            names.push(meta?.location.to_string());
        }
        Ok(names)
    }

    /// Stores the file at `path` under `name` byte for byte — sealed or not, as a backup
    /// copied it — streaming it.
    pub async fn put_file(&self, name: &str, path: &Path) -> Result<(), StorageError> {
        let upload_to = self.store.put_multipart(&ObjectPath::from(name)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload_to, self.part_size());
        let copied = async {
            let mut file = tokio::fs::File::open(path).await?;
            let mut buf = vec![0u8; sealing::CHUNK];
            loop {
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    return Ok::<_, StorageError>(());
                }
                writer.write(&buf[..n]);
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
            }
        }
        .await;
        match copied {
            Ok(()) => Ok(writer.finish().await.map(drop)?),
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "abandoned restore of a file not cleaned up");
                }
                Err(e)
            }
        }
    }

    pub async fn remove(&self, name: &str) -> Result<(), StorageError> {
        match self.store.delete(&ObjectPath::from(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
