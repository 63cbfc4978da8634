//! The S3-compatible backend (AWS S3, Garage, MinIO) through `aws-sdk-s3`.
//!
//! Large objects go up as multipart uploads (parts sent concurrently; a failed upload is aborted
//! so no parts linger); S3 itself makes a completed object visible atomically.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream as AwsStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use secrecy::ExposeSecret as _;

use super::key::ObjectKey;
use super::local::clamp;
use super::storage::{GetObject, ObjectMeta, PartUpload, Storage};
use crate::config::S3Config;
use crate::error::{AppError, AppResult};

async fn read_range(path: &Path, offset: u64, length: u64) -> AppResult<Bytes> {
    use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(AppError::internal)?;
    file.seek(std::io::SeekFrom::Start(offset))
        .await
        .map_err(AppError::internal)?;
    let mut buf = vec![0u8; usize::try_from(length).map_err(AppError::internal)?];
    file.read_exact(&mut buf)
        .await
        .map_err(AppError::internal)?;
    Ok(Bytes::from(buf))
}

/// Objects in one bucket of an S3-compatible service.
#[derive(Debug, Clone)]
pub struct S3Storage {
    client: Client,
    bucket: String,
    part_size: u64,
    multipart_threshold: u64,
}

/// Parts sent at once by one multipart upload.
pub const PARTS_IN_FLIGHT: usize = 4;

fn s3_error(context: &str, e: impl std::fmt::Debug) -> AppError {
    AppError::internal(anyhow::anyhow!("s3 {context}: {e:?}"))
}

fn to_utc(t: Option<&aws_sdk_s3::primitives::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()))
}

impl S3Storage {
    /// Builds a client from configuration. Credentials come from the configuration when given,
    /// otherwise from the standard AWS chain (environment, profile, instance role).
    pub async fn new(config: &S3Config) -> AppResult<Self> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(config.region.clone()));
        if let (Some(id), Some(secret)) = (&config.access_key_id, &config.secret_access_key) {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                id.clone(),
                secret.expose_secret().to_string(),
                None,
                None,
                "projector-config",
            ));
        }
        let shared = loader.load().await;
        let mut builder =
            aws_sdk_s3::config::Builder::from(&shared).force_path_style(config.path_style);
        if let Some(endpoint) = &config.endpoint {
            builder = builder.endpoint_url(endpoint.clone());
        }
        Ok(Self {
            client: Client::from_conf(builder.build()),
            bucket: config.bucket.clone(),
            part_size: config.part_size_mib.max(5) * 1024 * 1024,
            multipart_threshold: config.multipart_threshold_mib.max(5) * 1024 * 1024,
        })
    }

    /// The underlying client (for tooling such as `storage migrate` and benchmarks).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn put_multipart(
        &self,
        key: &ObjectKey,
        path: &Path,
        size: u64,
        content_type: &str,
    ) -> AppResult<()> {
        let upload = self.start_multipart(key, size, content_type).await?;
        let parts = size.div_ceil(self.part_size);
        let sent: AppResult<()> = futures::stream::iter(0..parts)
            .map(|i| {
                let offset = i * self.part_size;
                let length = self.part_size.min(size - offset);
                let upload = &upload;
                async move {
                    // Parts are read into memory so the request is signed with the payload's
                    // hash: S3-compatible stores differ in which streaming signatures they take.
                    upload
                        .send(i, read_range(path, offset, length).await?)
                        .await
                }
            })
            .buffered(PARTS_IN_FLIGHT)
            .try_collect()
            .await;
        match sent {
            Ok(()) => upload.complete().await.map(|_| ()),
            Err(e) => {
                upload.abort().await;
                Err(e)
            }
        }
    }

    async fn start_multipart(
        &self,
        key: &ObjectKey,
        size: u64,
        content_type: &str,
    ) -> AppResult<S3PartUpload> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .send()
            .await
            .map_err(|e| s3_error("create multipart upload", e))?;
        let upload_id = created
            .upload_id()
            .ok_or_else(|| s3_error("create multipart upload", "no upload id"))?
            .to_string();
        Ok(S3PartUpload {
            storage: self.clone(),
            key: key.clone(),
            upload_id,
            parts: size.div_ceil(self.part_size).max(1),
            etags: std::sync::Mutex::new(std::collections::BTreeMap::new()),
        })
    }

    async fn head_required(&self, key: &ObjectKey) -> AppResult<ObjectMeta> {
        self.head(key)
            .await?
            .ok_or_else(|| s3_error("head after put", "object missing"))
    }
}

#[async_trait]
impl Storage for S3Storage {
    fn name(&self) -> &'static str {
        "s3"
    }

    async fn put_file(
        &self,
        key: &ObjectKey,
        path: &Path,
        content_type: &str,
    ) -> AppResult<ObjectMeta> {
        let size = tokio::fs::metadata(path)
            .await
            .map_err(AppError::internal)?
            .len();
        if size > self.multipart_threshold {
            self.put_multipart(key, path, size, content_type).await?;
        } else {
            let body = AwsStream::from(read_range(path, 0, size).await?);
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .content_type(content_type)
                .content_length(i64::try_from(size).map_err(AppError::internal)?)
                .body(body)
                .send()
                .await
                .map_err(|e| s3_error("put object", e))?;
        }
        self.head_required(key).await
    }

    async fn put_bytes(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> AppResult<ObjectMeta> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .body(AwsStream::from(bytes))
            .send()
            .await
            .map_err(|e| s3_error("put object", e))?;
        self.head_required(key).await
    }

    async fn get(&self, key: &ObjectKey, range: Option<Range<u64>>) -> AppResult<GetObject> {
        let meta = self.head(key).await?.ok_or(AppError::NotFound("object"))?;
        let range = clamp(range, meta.size);
        if range.is_empty() {
            return Ok(GetObject {
                meta,
                range,
                body: futures::stream::empty().boxed(),
            });
        }
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .range(format!("bytes={}-{}", range.start, range.end - 1))
            .send()
            .await
            .map_err(|e| s3_error("get object", e))?;
        let reader = out.body.into_async_read();
        let body = tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024).boxed();
        Ok(GetObject { meta, range, body })
    }

    async fn head(&self, key: &ObjectKey) -> AppResult<Option<ObjectMeta>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(out) => Ok(Some(ObjectMeta {
                key: key.clone(),
                size: out.content_length().unwrap_or_default().max(0) as u64,
                etag: out.e_tag().map(str::to_string),
                last_modified: to_utc(out.last_modified()),
            })),
            Err(e) => {
                let service = e.into_service_error();
                if service.is_not_found() {
                    Ok(None)
                } else {
                    Err(s3_error("head object", service))
                }
            }
        }
    }

    async fn delete(&self, key: &ObjectKey) -> AppResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(|e| s3_error("delete object", e))?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> AppResult<Vec<ObjectMeta>> {
        let mut found = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| s3_error("list objects", e))?;
            for object in page.contents() {
                let Some(key) = object.key().and_then(|k| ObjectKey::parse(k).ok()) else {
                    continue;
                };
                found.push(ObjectMeta {
                    key,
                    size: object.size().unwrap_or_default().max(0) as u64,
                    etag: object.e_tag().map(str::to_string),
                    last_modified: to_utc(object.last_modified()),
                });
            }
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    async fn presign_get(
        &self,
        key: &ObjectKey,
        ttl: Duration,
        disposition: Option<&str>,
    ) -> AppResult<Option<String>> {
        let config = PresigningConfig::expires_in(ttl).map_err(|e| s3_error("presign", e))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .set_response_content_disposition(disposition.map(str::to_owned))
            .presigned(config)
            .await
            .map_err(|e| s3_error("presign", e))?;
        Ok(Some(request.uri().to_string()))
    }

    async fn begin_parts(
        &self,
        key: &ObjectKey,
        size: u64,
        content_type: &str,
    ) -> AppResult<Option<Arc<dyn PartUpload>>> {
        if size <= self.multipart_threshold {
            return Ok(None);
        }
        let upload = self.start_multipart(key, size, content_type).await?;
        Ok(Some(Arc::new(upload)))
    }

    async fn abort_parts(&self, key: &ObjectKey) -> AppResult<()> {
        let listed = self
            .client
            .list_multipart_uploads()
            .bucket(&self.bucket)
            .prefix(key.as_str())
            .send()
            .await
            .map_err(|e| s3_error("list multipart uploads", e))?;
        for upload in listed.uploads() {
            if let (Some(k), Some(id)) = (upload.key(), upload.upload_id())
                && k == key.as_str()
            {
                self.client
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(k)
                    .upload_id(id)
                    .send()
                    .await
                    .map_err(|e| s3_error("abort multipart upload", e))?;
            }
        }
        Ok(())
    }
}

/// One multipart upload in progress.
#[derive(Debug)]
pub struct S3PartUpload {
    storage: S3Storage,
    key: ObjectKey,
    upload_id: String,
    parts: u64,
    /// The `ETag` of every part sent, by part number.
    etags: std::sync::Mutex<std::collections::BTreeMap<i32, Option<String>>>,
}

#[async_trait]
impl PartUpload for S3PartUpload {
    fn part_size(&self) -> u64 {
        self.storage.part_size
    }

    async fn send(&self, index: u64, body: Bytes) -> AppResult<()> {
        let part_number = i32::try_from(index + 1).map_err(AppError::internal)?;
        let uploaded = self
            .storage
            .client
            .upload_part()
            .bucket(&self.storage.bucket)
            .key(self.key.as_str())
            .upload_id(&self.upload_id)
            .part_number(part_number)
            .body(AwsStream::from(body))
            .send()
            .await
            .map_err(|e| s3_error("upload part", e))?;
        self.etags
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(part_number, uploaded.e_tag().map(str::to_string));
        Ok(())
    }

    async fn complete(&self) -> AppResult<ObjectMeta> {
        let parts: Vec<CompletedPart> = {
            let etags = self.etags.lock().unwrap_or_else(|p| p.into_inner());
            if etags.len() as u64 != self.parts {
                return Err(s3_error(
                    "complete multipart upload",
                    format!("{} of {} parts sent", etags.len(), self.parts),
                ));
            }
            etags
                .iter()
                .map(|(n, etag)| {
                    CompletedPart::builder()
                        .part_number(*n)
                        .set_e_tag(etag.clone())
                        .build()
                })
                .collect()
        };
        self.storage
            .client
            .complete_multipart_upload()
            .bucket(&self.storage.bucket)
            .key(self.key.as_str())
            .upload_id(&self.upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| s3_error("complete multipart upload", e))?;
        self.storage.head_required(&self.key).await
    }

    async fn abort(&self) {
        if let Err(e) = self
            .storage
            .client
            .abort_multipart_upload()
            .bucket(&self.storage.bucket)
            .key(self.key.as_str())
            .upload_id(&self.upload_id)
            .send()
            .await
        {
            tracing::warn!(key = %self.key.as_str(), error = ?e, "could not abort a multipart upload");
        }
    }
}
