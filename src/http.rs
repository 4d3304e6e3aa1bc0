//! Fetching revocation data and timestamps over HTTP (feature `http`): CRLs from a
//! certificate's CRL distribution points, OCSP responses from its OCSP URLs (RFC 6960
//! appendix A, POST), and timestamps from a TSA (RFC 3161 section 3.4).
//!
//! Every request is bounded: a deadline for the whole exchange (connection, request and
//! body), a maximum number of redirects (a redirect loop ends there), and a maximum body
//! size, each failure a specific [`HttpFailure`]. Only `http` and `https` URLs are used.
//! Proxies are used only when given ([`HttpOptions::proxy`]); proxy environment variables
//! are ignored, so where requests go never depends on the environment.
//!
//! Nothing fetched is trusted as is: kyso verifies every CRL, OCSP response and token
//! itself, exactly as if the caller had supplied it.

use crate::error::RevocationError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::cert::Certificate;
use crate::digest::DigestAlgorithm;
use crate::error::{Error, HttpFailure};
use crate::key::AlgorithmPolicy;
use crate::limits::{
    MAX_CRL_SIZE, MAX_HTTP_CACHE_ENTRIES, MAX_HTTP_CACHED_CRL_BYTES, MAX_HTTP_URLS_PER_CERTIFICATE,
    MAX_OCSP_RESPONSE_SIZE, MAX_TIMESTAMP_SIZE,
};
use crate::revocation::{Crl, OcspCheck, OcspRequest, OcspResponse, RevocationData};
use crate::revocation::{OcspStatus, RevocationSource};
use crate::time::Time;
use crate::tsp::{TimeStampRequest, TimeStampSource};

/// How long a URL that failed is not asked again, in seconds.
const FAILURE_BACKOFF_SECONDS: i64 = 60;

/// Bounds and settings for HTTP requests.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Deadline for a whole exchange: connecting, sending, and reading the body. Default
    /// 10 s.
    pub timeout: Duration,
    /// Redirects followed before giving up with [`HttpFailure::TooManyRedirects`]. Default 3.
    pub max_redirects: u32,
    /// Largest CRL body accepted. Default [`MAX_CRL_SIZE`].
    pub max_crl_size: usize,
    /// Largest OCSP or TSA response body accepted. Default [`MAX_OCSP_RESPONSE_SIZE`].
    pub max_response_size: usize,
    /// An HTTP proxy (`http://host:port`), if requests must go through one. Default none.
    pub proxy: Option<String>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(10),
            max_redirects: 3,
            max_crl_size: MAX_CRL_SIZE,
            max_response_size: MAX_OCSP_RESPONSE_SIZE.max(MAX_TIMESTAMP_SIZE),
            proxy: None,
        }
    }
}

impl HttpOptions {
    /// Sets the deadline of each exchange.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the number of redirects followed.
    #[must_use]
    pub fn max_redirects(mut self, redirects: u32) -> Self {
        self.max_redirects = redirects;
        self
    }

    /// Sets the largest CRL accepted.
    #[must_use]
    pub fn max_crl_size(mut self, bytes: usize) -> Self {
        self.max_crl_size = bytes;
        self
    }

    /// Sets the largest OCSP or TSA response accepted.
    #[must_use]
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Sends requests through this HTTP proxy.
    #[must_use]
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }
}

/// A bounded HTTP client.
#[derive(Clone)]
struct Client {
    agent: ureq::Agent,
    options: HttpOptions,
}

impl Client {
    fn new(options: HttpOptions) -> Result<Self, Error> {
        let proxy = match &options.proxy {
            None => None,
            Some(p) => Some(ureq::Proxy::new(p).map_err(|_| Error::Http {
                url: p.clone(),
                failure: HttpFailure::BadUrl,
            })?),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .max_redirects(options.max_redirects)
            .max_redirects_will_error(true)
            .http_status_as_error(false)
            .proxy(proxy)
            .user_agent(concat!("kyso/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Client { agent, options })
    }

    /// GETs `url`, or POSTs `body` with `content_type` to it; returns a 200 answer's body of
    /// at most `limit` bytes.
    fn exchange(
        &self,
        url: &str,
        post: Option<(&[u8], &str)>,
        limit: usize,
    ) -> Result<Vec<u8>, Error> {
        let fail = |failure| Error::Http {
            url: url.to_owned(),
            failure,
        };
        let scheme_ok = url
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
            || url
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("http://"));
        if !scheme_ok {
            return Err(fail(HttpFailure::BadUrl));
        }
        let result = match post {
            None => self.agent.get(url).call(),
            Some((body, content_type)) => self
                .agent
                .post(url)
                .header("Content-Type", content_type)
                .send(body),
        };
        let mut response = result.map_err(|e| fail(self.failure(e, limit)))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(fail(HttpFailure::Status { status }));
        }
        response
            .body_mut()
            .with_config()
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(|e| fail(self.failure(e, limit)))
    }

    fn failure(&self, e: ureq::Error, limit: usize) -> HttpFailure {
        match e {
            ureq::Error::Timeout(_) => HttpFailure::Timeout {
                seconds: self.options.timeout.as_secs().max(1),
            },
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
                HttpFailure::TooManyRedirects {
                    limit: self.options.max_redirects,
                }
            }
            ureq::Error::BodyExceedsLimit(_) => HttpFailure::TooLarge { limit },
            ureq::Error::StatusCode(status) => HttpFailure::Status { status },
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => HttpFailure::BadUrl,
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                HttpFailure::Timeout {
                    seconds: self.options.timeout.as_secs().max(1),
                }
            }
            other => HttpFailure::Connection {
                detail: other.to_string(),
            },
        }
    }
}

/// A [`RevocationSource`] that fetches over HTTP: OCSP responses from the certificate's
/// OCSP URLs (authorityInfoAccess), and CRLs from its distribution points. A fresh OCSP
/// answer that verifies (judged now, under the default algorithm policy) makes the CRL
/// download unnecessary; otherwise both are fetched. Under a stricter policy than the
/// default, an OCSP answer this source kept may still be refused by path validation, which
/// then has no CRL to fall back on: give such callers a source that always fetches both, or
/// the CRLs themselves.
///
/// CRLs and OCSP responses are cached until their nextUpdate (those without one are not
/// cached), so one CRL serves every certificate it covers. OCSP requests carry a random
/// nonce; a response that echoes another nonce is refused, one without a nonce is accepted
/// (many responders pre-produce responses) and judged on its thisUpdate and nextUpdate like
/// any other. Fetch failures are returned with the data, so a status that stays unknown
/// comes with the reason (timeout, size, status code).
///
/// ```no_run
/// use kyso::http::HttpRevocationSource;
/// use kyso::{Revocation, TrustContext, TrustStore, ValidationPolicy, Verifier};
/// let anchors = TrustStore::from_pem(&std::fs::read("root.pem")?)?;
/// let online = HttpRevocationSource::new()?;
/// let context = TrustContext::new(&anchors, Revocation::Required(&online));
/// let verifier = Verifier::new(&context, ValidationPolicy::now());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct HttpRevocationSource {
    client: Client,
    ocsp_hash: DigestAlgorithm,
    crl_cache: Mutex<HashMap<String, Crl>>,
    ocsp_cache: Mutex<HashMap<(String, Vec<u8>), OcspResponse>>,
    failures: Mutex<HashMap<String, (Time, Error)>>,
}

impl core::fmt::Debug for HttpRevocationSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpRevocationSource")
            .field("options", &self.client.options)
            .field("ocsp_hash", &self.ocsp_hash)
            .finish_non_exhaustive()
    }
}

impl HttpRevocationSource {
    /// A source with the default [`HttpOptions`].
    ///
    /// # Errors
    ///
    /// None: the default options name no proxy, the only setting that can fail
    /// (see [`HttpRevocationSource::with_options`]).
    pub fn new() -> Result<Self, Error> {
        HttpRevocationSource::with_options(HttpOptions::default())
    }

    /// A source with these options.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] with [`HttpFailure::BadUrl`], the proxy as URL, if
    /// [`HttpOptions::proxy`] is not a usable proxy URL (it does not parse, names no host, or
    /// has a scheme other than http, https and the SOCKS ones).
    pub fn with_options(options: HttpOptions) -> Result<Self, Error> {
        Ok(HttpRevocationSource {
            client: Client::new(options)?,
            ocsp_hash: DigestAlgorithm::Sha1,
            crl_cache: Mutex::new(HashMap::new()),
            ocsp_cache: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
        })
    }

    /// The hash of the CertID in OCSP requests: SHA-1 by default (RFC 5019 section 2.1.1;
    /// every responder knows it, and it only names the certificate), or SHA-256.
    #[must_use]
    pub fn ocsp_cert_id_hash(mut self, hash: DigestAlgorithm) -> Self {
        self.ocsp_hash = hash;
        self
    }

    /// Forgets every cached CRL and OCSP response.
    pub fn clear_cache(&self) {
        if let Ok(mut c) = self.crl_cache.lock() {
            c.clear();
        }
        if let Ok(mut c) = self.ocsp_cache.lock() {
            c.clear();
        }
        if let Ok(mut c) = self.failures.lock() {
            c.clear();
        }
    }

    /// A failure of `url` met less than a minute ago, if any.
    fn recent_failure(&self, url: &str, now: Time) -> Option<Error> {
        self.failures.lock().ok().and_then(|f| {
            f.get(url)
                .filter(|(at, _)| now.unix().saturating_sub(at.unix()) < FAILURE_BACKOFF_SECONDS)
                .map(|(_, e)| e.clone())
        })
    }

    fn remember_failure(&self, url: &str, now: Time, e: &Error) {
        if let Ok(mut f) = self.failures.lock() {
            if f.len() >= MAX_HTTP_CACHE_ENTRIES {
                f.clear();
            }
            f.insert(url.to_owned(), (now, e.clone()));
        }
    }

    /// The number of cached CRLs and OCSP responses.
    pub fn cached(&self) -> usize {
        self.crl_cache.lock().map_or(0, |c| c.len()) + self.ocsp_cache.lock().map_or(0, |c| c.len())
    }

    fn fetch_ocsp(
        &self,
        url: &str,
        cert: &Certificate,
        issuer: &Certificate,
        now: Time,
    ) -> Result<OcspResponse, Error> {
        let key = (
            url.to_owned(),
            crate::digest::digest(DigestAlgorithm::Sha256, cert.der())
                .as_bytes()
                .to_vec(),
        );
        if let Some(r) = self
            .ocsp_cache
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
            && r.next_update_for(cert, issuer).is_some_and(|n| n >= now)
        {
            return Ok(r);
        }
        if let Some(e) = self.recent_failure(url, now) {
            return Err(e);
        }
        let nonce: [u8; 16] = crate::key::random_bytes()?;
        let request = OcspRequest::new(cert, issuer, self.ocsp_hash, Some(&nonce))?;
        let body = self
            .client
            .exchange(
                url,
                Some((request.der(), "application/ocsp-request")),
                self.client.options.max_response_size,
            )
            .inspect_err(|e| self.remember_failure(url, now, e))?;
        let response = OcspResponse::from_der(&body)?;
        if response.nonce().is_some_and(|n| n != nonce) {
            return Err(Error::Revocation(RevocationError::OcspNonceMismatch));
        }
        // Only an answer that verifies is kept: a forged one must not stick.
        let verifies = response
            .check(
                cert,
                issuer,
                now,
                &AlgorithmPolicy::default(),
                &OcspCheck::default(),
            )
            .is_ok();
        if verifies && response.next_update_for(cert, issuer).is_some() {
            put(
                &self.ocsp_cache,
                key,
                response.clone(),
                |r: &OcspResponse| r.latest_next_update().is_some_and(|n| n >= now),
            );
        }
        Ok(response)
    }

    fn fetch_crl(&self, url: &str, issuer: &Certificate, now: Time) -> Result<Crl, Error> {
        if let Some(crl) = self.crl_cache.lock().ok().and_then(|c| c.get(url).cloned())
            && crl.next_update().is_some_and(|n| n >= now)
        {
            return Ok(crl);
        }
        if let Some(e) = self.recent_failure(url, now) {
            return Err(e);
        }
        let body = self
            .client
            .exchange(url, None, self.client.options.max_crl_size)
            .inspect_err(|e| self.remember_failure(url, now, e))?;
        // RFC 5280 section 4.2.1.13: DER; some servers publish PEM.
        let crl = Crl::from_der(&body).or_else(|e| {
            if body.starts_with(b"-----BEGIN") {
                Crl::from_pem(&body)
            } else {
                Err(e)
            }
        })?;
        // Only a CRL that verifies is kept (a forged one must not stick), within a byte
        // budget.
        if crl.next_update().is_some()
            && crl
                .verify_signed_by(issuer, &AlgorithmPolicy::default())
                .is_ok()
            && let Ok(mut cache) = self.crl_cache.lock()
        {
            let held: usize = cache.values().map(|c| c.der().len()).sum();
            if held.saturating_add(crl.der().len()) > MAX_HTTP_CACHED_CRL_BYTES {
                cache.retain(|_, c| c.next_update().is_some_and(|n| n >= now));
            }
            let held: usize = cache.values().map(|c| c.der().len()).sum();
            if held.saturating_add(crl.der().len()) > MAX_HTTP_CACHED_CRL_BYTES
                || cache.len() >= MAX_HTTP_CACHE_ENTRIES
            {
                cache.clear();
            }
            if crl.der().len() <= MAX_HTTP_CACHED_CRL_BYTES {
                cache.insert(url.to_owned(), crl.clone());
            }
        }
        Ok(crl)
    }
}

/// Inserts into a bounded cache: past [`MAX_HTTP_CACHE_ENTRIES`], entries no longer `fresh` go
/// first, then everything.
fn put<K: std::hash::Hash + Eq, V>(
    cache: &Mutex<HashMap<K, V>>,
    key: K,
    value: V,
    fresh: impl Fn(&V) -> bool,
) {
    if let Ok(mut c) = cache.lock() {
        if c.len() >= MAX_HTTP_CACHE_ENTRIES {
            c.retain(|_, v| fresh(v));
            if c.len() >= MAX_HTTP_CACHE_ENTRIES {
                c.clear();
            }
        }
        c.insert(key, value);
    }
}

impl RevocationSource for HttpRevocationSource {
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData {
        let now = Time::now();
        let mut data = RevocationData::new();
        let mut answered = false;
        for url in cert.ocsp_urls().iter().take(MAX_HTTP_URLS_PER_CERTIFICATE) {
            match self.fetch_ocsp(url, cert, issuer, now) {
                Ok(response) => {
                    // A current answer that verifies settles it; path validation checks it
                    // again under its own policy and time.
                    answered |= response
                        .check(
                            cert,
                            issuer,
                            now,
                            &AlgorithmPolicy::default(),
                            &OcspCheck::default(),
                        )
                        .is_ok_and(|a| a.status != OcspStatus::Unknown);
                    data.ocsp.push(response);
                }
                Err(e) => data.failures.push(e),
            }
            if answered {
                return data;
            }
        }
        for url in cert
            .crl_distribution_points()
            .iter()
            .take(MAX_HTTP_URLS_PER_CERTIFICATE)
        {
            match self.fetch_crl(url, issuer, now) {
                Ok(crl) => data.crls.push(crl),
                Err(e) => data.failures.push(e),
            }
        }
        data
    }
}

/// A [`TimeStampSource`] that posts requests to a TSA URL (`application/timestamp-query`,
/// RFC 3161 section 3.4).
///
/// ```no_run
/// use kyso::http::HttpTimeStampSource;
/// use kyso::TrustStore;
/// use kyso::cms::TimeStampStamper;
/// let tsa_roots = TrustStore::from_pem(&std::fs::read("tsa-root.pem")?)?;
/// let tsa = HttpTimeStampSource::new("http://tsa.example.vn/tsa")?;
/// let (token, info) = TimeStampStamper::new(&tsa, &tsa_roots).stamp(b"bytes")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct HttpTimeStampSource {
    client: Client,
    url: String,
}

impl core::fmt::Debug for HttpTimeStampSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpTimeStampSource")
            .field("url", &self.url)
            .field("options", &self.client.options)
            .finish()
    }
}

impl HttpTimeStampSource {
    /// A TSA at `url`, with the default [`HttpOptions`].
    ///
    /// # Errors
    ///
    /// None: the default options name no proxy, the only setting that can fail
    /// (see [`HttpTimeStampSource::with_options`]). `url` is checked only when a request is
    /// sent.
    pub fn new(url: impl Into<String>) -> Result<Self, Error> {
        HttpTimeStampSource::with_options(url, HttpOptions::default())
    }

    /// A TSA at `url`, with these options.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] with [`HttpFailure::BadUrl`], the proxy as URL, if
    /// [`HttpOptions::proxy`] is not a usable proxy URL (it does not parse, names no host, or
    /// has a scheme other than http, https and the SOCKS ones). `url` is checked only when a
    /// request is sent: a scheme other than http and https fails there with
    /// [`HttpFailure::BadUrl`].
    pub fn with_options(url: impl Into<String>, options: HttpOptions) -> Result<Self, Error> {
        Ok(HttpTimeStampSource {
            client: Client::new(options)?,
            url: url.into(),
        })
    }
}

impl TimeStampSource for HttpTimeStampSource {
    fn timestamp(&self, request: &TimeStampRequest) -> Result<Vec<u8>, Error> {
        self.client.exchange(
            &self.url,
            Some((request.der(), "application/timestamp-query")),
            self.client.options.max_response_size,
        )
    }
}
