//! The S3-compatible backend (AWS S3, Garage, MinIO) through `aws-sdk-s3`.
//!
//! Large objects go up as multipart uploads (parts sent concurrently; a failed upload is aborted
//! so no parts linger); S3 itself makes a completed object visible atomically.

use std::ops::Range;
use std::path::Path;
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
use super::storage::{GetObject, ObjectMeta, Storage};
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
        let parts = size.div_ceil(self.part_size);
        let result: AppResult<Vec<CompletedPart>> = futures::stream::iter(0..parts)
            .map(|i| {
                let offset = i * self.part_size;
                let length = self.part_size.min(size - offset);
                let upload_id = upload_id.clone();
                async move {
                    // Parts are read into memory so the request is signed with the payload's
                    // hash: S3-compatible stores differ in which streaming signatures they take.
                    let body = AwsStream::from(read_range(path, offset, length).await?);
                    let part_number = i32::try_from(i + 1).map_err(AppError::internal)?;
                    let uploaded = self
                        .client
                        .upload_part()
                        .bucket(&self.bucket)
                        .key(key.as_str())
                        .upload_id(upload_id)
                        .part_number(part_number)
                        .body(body)
                        .send()
                        .await
                        .map_err(|e| s3_error("upload part", e))?;
                    Ok(CompletedPart::builder()
                        .part_number(part_number)
                        .set_e_tag(uploaded.e_tag().map(str::to_string))
                        .build())
                }
            })
            .buffered(4)
            .try_collect()
            .await;
        let parts = match result {
            Ok(p) => p,
            Err(e) => {
                let _ = self
                    .client
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(key.as_str())
                    .upload_id(&upload_id)
                    .send()
                    .await;
                return Err(e);
            }
        };
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(&upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| s3_error("complete multipart upload", e))?;
        Ok(())
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

    async fn presign_get(&self, key: &ObjectKey, ttl: Duration) -> AppResult<Option<String>> {
        let config = PresigningConfig::expires_in(ttl).map_err(|e| s3_error("presign", e))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .presigned(config)
            .await
            .map_err(|e| s3_error("presign", e))?;
        Ok(Some(request.uri().to_string()))
    }
}
