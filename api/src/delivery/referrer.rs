//! Playback restrictions: which sites may play a channel's (or one video's) media, by the host
//! of the `Referer` a browser sends with the embed page and every playlist and segment request,
//! as Mux's playback restrictions.
//!
//! A rule is a list of domains, each exact (`example.com`: that host only) or a wildcard
//! (`*.example.com`: any host under it, not `example.com` itself), and whether requests
//! without a `Referer` are allowed. It is stored as JSON in `channels.playback_restriction`
//! (null: no restriction) and `videos.playback_restriction` (null: the channel's). An empty
//! list means no restriction. Only the public paths (`/embed/...`, `/media/p/...`) check it;
//! signed URLs, which the API gives editors, do not.

use async_graphql::{InputObject, SimpleObject};
use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// The most domains one rule may list.
pub const MAX_DOMAINS: usize = 100;

/// Who may play an item's media, by referrer.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[graphql(name = "PlaybackRestriction")]
pub struct Restriction {
    /// Hosts allowed to play: `example.com` (that host) or `*.example.com` (hosts under it).
    /// Empty: anyone may.
    pub allowed_domains: Vec<String>,
    /// Whether requests without a `Referer` header are served (apps, direct links, privacy
    /// settings that drop it).
    pub allow_no_referrer: bool,
}

impl Default for Restriction {
    fn default() -> Self {
        Self {
            allowed_domains: Vec::new(),
            allow_no_referrer: true,
        }
    }
}

/// A new playback restriction; `allowedDomains: []` lifts it.
#[derive(InputObject, Clone, Debug)]
pub struct PlaybackRestrictionInput {
    /// At most 100 hosts: `example.com` or `*.example.com`, no scheme, port, path or spaces.
    pub allowed_domains: Vec<String>,
    /// Whether requests without a `Referer` are served (absent: yes).
    pub allow_no_referrer: Option<bool>,
}

impl Restriction {
    /// Checks and normalises a new rule (lower case, duplicates dropped); `None` when it
    /// restricts nothing (no domains), which is stored as null.
    pub fn from_input(input: PlaybackRestrictionInput) -> AppResult<Option<Self>> {
        if input.allowed_domains.len() > MAX_DOMAINS {
            return Err(AppError::validation(format!(
                "playbackRestriction.allowedDomains: at most {MAX_DOMAINS} domains"
            )));
        }
        let mut domains: Vec<String> = Vec::with_capacity(input.allowed_domains.len());
        for raw in input.allowed_domains {
            let domain = raw.to_ascii_lowercase();
            if !valid_pattern(&domain) {
                return Err(AppError::validation(format!(
                    "playbackRestriction.allowedDomains: `{}` is not a domain such as \
                     `example.com` or `*.example.com`",
                    raw.chars().take(80).collect::<String>()
                )));
            }
            if !domains.contains(&domain) {
                domains.push(domain);
            }
        }
        if domains.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self {
            allowed_domains: domains,
            allow_no_referrer: input.allow_no_referrer.unwrap_or(true),
        }))
    }

    /// The stored rule (`None` for null or unreadable text, which restricts nothing).
    pub fn parse(stored: Option<&str>) -> Option<Self> {
        stored
            .and_then(|s| serde_json::from_str::<Self>(s).ok())
            .filter(|r| !r.allowed_domains.is_empty())
    }

    /// The text stored for `rule`.
    pub fn store(rule: Option<&Self>) -> Option<String> {
        rule.and_then(|r| serde_json::to_string(r).ok())
    }

    /// Whether a request with these headers may be served.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(header::REFERER) else {
            return self.allow_no_referrer;
        };
        let host = value
            .to_str()
            .ok()
            .and_then(|v| url::Url::parse(v.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
            });
        let Some(host) = host else {
            return false;
        };
        self.allowed_domains.iter().any(|d| matches(d, &host))
    }
}

/// Whether `host` is named by `pattern`.
fn matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(base) => host
            .strip_suffix(base)
            .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
        None => host == pattern,
    }
}

/// `example.com` or `*.example.com`: labels of letters, digits and inner hyphens.
fn valid_pattern(domain: &str) -> bool {
    let base = domain.strip_prefix("*.").unwrap_or(domain);
    !base.is_empty()
        && base.len() <= 253
        && base.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn rule(domains: &[&str], no_referrer: bool) -> Restriction {
        Restriction::from_input(PlaybackRestrictionInput {
            allowed_domains: domains.iter().map(|d| (*d).to_string()).collect(),
            allow_no_referrer: Some(no_referrer),
        })
        .unwrap()
        .unwrap()
    }

    fn allows(rule: &Restriction, referer: Option<&str>) -> bool {
        let mut headers = HeaderMap::new();
        if let Some(r) = referer {
            headers.insert(header::REFERER, HeaderValue::from_str(r).unwrap());
        }
        rule.allows(&headers)
    }

    #[test]
    fn exact_and_wildcard_domains_match_only_their_hosts() {
        let r = rule(&["Example.com", "*.partner.org"], false);
        assert!(allows(&r, Some("https://example.com/page")));
        assert!(allows(&r, Some("http://EXAMPLE.com:8080/x?y")));
        assert!(allows(&r, Some("https://a.partner.org/")));
        assert!(allows(&r, Some("https://a.b.partner.org/")));
        for refused in [
            "https://www.example.com/",
            "https://evil-example.com/",
            "https://example.com.evil.net/",
            "https://partner.org/",
            "https://evilpartner.org/",
            "https://a.partner.org.evil.net/",
            "not a url",
            "file:///example.com",
        ] {
            assert!(!allows(&r, Some(refused)), "{refused}");
        }
        assert!(!allows(&r, None));
        assert!(allows(&rule(&["example.com"], true), None));
    }

    #[test]
    fn bad_domains_are_refused() {
        for bad in [
            "http://x.com",
            "",
            "*",
            "*.",
            "a b.com",
            " example.com",
            "example.com/",
            "example.com:80",
            "*.*.example.com",
            "ex*ample.com",
            "-a.com",
            "a..com",
        ] {
            let input = PlaybackRestrictionInput {
                allowed_domains: vec![bad.into()],
                allow_no_referrer: None,
            };
            assert!(Restriction::from_input(input).is_err(), "{bad:?}");
        }
        let many = PlaybackRestrictionInput {
            allowed_domains: (0..101).map(|i| format!("d{i}.com")).collect(),
            allow_no_referrer: None,
        };
        assert!(Restriction::from_input(many).is_err());
        let none = PlaybackRestrictionInput {
            allowed_domains: vec![],
            allow_no_referrer: Some(false),
        };
        assert_eq!(Restriction::from_input(none).unwrap(), None);
    }
}
