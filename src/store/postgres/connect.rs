//! Reaching a team logbook's server. The logbook is named by a libpq URL,
//! `postgresql://USER@HOST[:PORT]/DBNAME[?param=value&…]`, with libpq's parameters; the
//! password comes from the URL, else `PGPASSWORD`, else the password file (`passfile`,
//! `PGPASSFILE` or `~/.pgpass`) as libpq reads it. TLS is rustls, as `sslmode` asks:
//! `disable`, `prefer` (the default) and `require` encrypt when they can or must without
//! checking the server's certificate, as libpq does; `verify-ca` and `verify-full` check it
//! against `sslrootcert` (default `~/.postgresql/root.crt`), the latter with the host name too.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use postgres::Client;
use postgres::config::{Host, SslMode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use crate::error::{Error, Result};

/// How long connecting may take when the URL does not say (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Where libpq looks for a server's socket when the URL names no host (Debian's default).
const SOCKET_DIRECTORY: &str = "/var/run/postgresql";

/// The parameters libpq takes that caselog reads itself rather than handing on.
const OWN_PARAMETERS: &[&str] = &["sslmode", "sslrootcert", "passfile"];

/// The libpq parameters the client library understands.
const PARAMETERS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

/// Whether a `--db` value names a team logbook on a server rather than a file.
pub fn is_url(db: &OsStr) -> bool {
    let text = db.to_string_lossy();
    text.starts_with("postgresql://") || text.starts_with("postgres://")
}

/// How much TLS a connection asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A team logbook's server, database and user, read from its URL.
pub struct Target {
    config: postgres::Config,
    tls: Tls,
    root_cert: Option<PathBuf>,
    shown: String,
}

impl Target {
    /// Reads a `postgresql://` URL.
    pub fn parse(url: &str) -> Result<Target> {
        let shown = without_password(url);
        let bad = |what: String| {
            Error::input(format!("the team logbook's address {shown}: {what}")).hint(
                "write it as postgresql://USER@HOST[:PORT]/DBNAME, with libpq's parameters after \
                 ? (such as ?sslmode=require); see docs/team.md",
            )
        };
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut handed_on = Vec::new();
        let mut own = std::collections::HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if OWN_PARAMETERS.contains(&key) {
                own.insert(key, percent_decoded(value));
            } else if PARAMETERS.contains(&key) {
                handed_on.push(pair);
            } else {
                return Err(bad(format!("unknown parameter `{key}`")));
            }
        }
        let rebuilt = if handed_on.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", handed_on.join("&"))
        };
        let mut config: postgres::Config = rebuilt.parse().map_err(|e: postgres::Error| {
            let reason = std::error::Error::source(&e)
                .map(ToString::to_string)
                .unwrap_or_else(|| "it cannot be read".to_string());
            bad(reason)
        })?;
        let tls = match own.get("sslmode").map(String::as_str) {
            None | Some("prefer") => Tls::Prefer,
            Some("disable") => Tls::Disable,
            Some("require") => Tls::Require,
            Some("verify-ca") => Tls::VerifyCa,
            Some("verify-full") => Tls::VerifyFull,
            Some(other) => {
                return Err(bad(format!(
                    "sslmode `{other}` is not one of disable, prefer, require, verify-ca, \
                     verify-full"
                )));
            }
        };
        config.ssl_mode(match tls {
            Tls::Disable => SslMode::Disable,
            Tls::Prefer => SslMode::Prefer,
            Tls::Require | Tls::VerifyCa | Tls::VerifyFull => SslMode::Require,
        });
        if config.get_hosts().is_empty() {
            config.host_path(SOCKET_DIRECTORY);
        }
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .map_err(|_| bad("it names no user: postgresql://USER@HOST/DBNAME".into()))?;
            config.user(&user);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("caselog");
        }
        let mut target = Target {
            config,
            tls,
            root_cert: own.get("sslrootcert").map(PathBuf::from),
            shown,
        };
        if target.config.get_password().is_none()
            && let Some(password) = target.password(own.get("passfile").map(PathBuf::from))
        {
            target.config.password(password);
        }
        Ok(target)
    }

    /// The URL as it may be shown: without a password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The user caselog logs in as.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    /// The database's name (libpq's default: the user's name).
    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or_else(|| self.user())
    }

    /// The host as the password file names it: a socket directory is `localhost`.
    fn host(&self) -> String {
        match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            _ => "localhost".to_string(),
        }
    }

    fn port(&self) -> u16 {
        self.config.get_ports().first().copied().unwrap_or(5432)
    }

    /// The password from `PGPASSWORD`, or the first matching line of the password file.
    fn password(&self, passfile: Option<PathBuf>) -> Option<String> {
        if let Ok(password) = std::env::var("PGPASSWORD") {
            return Some(password);
        }
        let file = passfile
            .or_else(|| std::env::var_os("PGPASSFILE").map(PathBuf::from))
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
        password_from_file(
            &file,
            [
                self.host(),
                self.port().to_string(),
                self.dbname().to_string(),
                self.user().to_string(),
            ],
        )
    }

    /// Connects, in plain words when it cannot.
    pub fn connect(&self) -> Result<Client> {
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.tls_config()?);
        self.config
            .connect(tls)
            .map_err(|e| super::refused_connection(self, e))
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::failure(format!("TLS cannot be set up: {e}")))?;
        let verifier: Arc<dyn ServerCertVerifier> = match self.tls {
            Tls::Disable | Tls::Prefer | Tls::Require => Arc::new(Unverified(provider)),
            Tls::VerifyCa | Tls::VerifyFull => {
                let file = self
                    .root_cert
                    .clone()
                    .or_else(|| {
                        std::env::var_os("HOME").map(|h| Path::new(&h).join(".postgresql/root.crt"))
                    })
                    .unwrap_or_default();
                let mut roots = rustls::RootCertStore::empty();
                let certificates: Vec<CertificateDer> = CertificateDer::pem_file_iter(&file)
                    .and_then(|certs| certs.collect())
                    .map_err(|_| {
                        Error::failure(format!(
                            "sslmode verify-ca and verify-full check the server's certificate \
                             against {}, which cannot be read as PEM certificates",
                            file.display()
                        ))
                        .hint("give the certificate authority's file with ?sslrootcert=FILE")
                    })?;
                roots.add_parsable_certificates(certificates);
                let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|e| Error::failure(format!("TLS cannot be set up: {e}")))?;
                Arc::new(Verified {
                    webpki,
                    check_name: self.tls == Tls::VerifyFull,
                })
            }
        };
        Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth())
    }
}

/// The URL without the password it may hold, in its user part or as a parameter.
fn without_password(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let mut shown = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest
                .split_once('/')
                .map_or((rest, None), |(a, p)| (a, Some(p)));
            let authority = match authority.rsplit_once('@') {
                Some((user, host)) => {
                    let user = user.split_once(':').map_or(user, |(u, _)| u);
                    format!("{user}@{host}")
                }
                None => authority.to_string(),
            };
            match path {
                Some(p) => format!("{scheme}://{authority}/{p}"),
                None => format!("{scheme}://{authority}"),
            }
        }
        None => base.to_string(),
    };
    if let Some(query) = query {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.starts_with("password="))
            .collect();
        if !kept.is_empty() {
            shown.push('?');
            shown.push_str(&kept.join("&"));
        }
    }
    shown
}

/// `%xx` escapes decoded.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password of the first line of a libpq password file matching host, port, database and
/// user (`*` matches anything; `\:` and `\\` are a colon and a backslash). As libpq does, a
/// file that others may read is not used.
fn password_from_file(file: &Path, wanted: [String; 4]) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(file).ok()?;
    if !metadata.is_file() || metadata.permissions().mode() & 0o077 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(fields)
        .find(|fields| {
            fields.len() >= 5
                && fields[..4]
                    .iter()
                    .zip(&wanted)
                    .all(|(field, want)| field == "*" || field == want)
        })
        .map(|fields| fields[4..].join(":"))
}

/// A password file line's fields.
fn fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("a field").push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("a field").push(c),
        }
    }
    fields
}

/// Encrypts without checking who the server is (`sslmode` prefer and require, as in libpq):
/// the handshake's signatures are still checked.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Checks the server's certificate against the given authorities (`verify-ca`), and its name
/// too (`verify-full`).
#[derive(Debug)]
struct Verified {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for Verified {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            without_password("postgresql://sam:s3cret@db.example:5433/team?sslmode=require"),
            "postgresql://sam@db.example:5433/team?sslmode=require"
        );
        assert_eq!(
            without_password("postgresql://sam@db/team?password=x&sslmode=require"),
            "postgresql://sam@db/team?sslmode=require"
        );
        assert_eq!(without_password("postgres://db"), "postgres://db");
    }

    #[test]
    fn password_file_lines_match_as_libpq_reads_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:team:sam:no\ndb:*:team:sam:pa\\:ss:word\n",
        )
        .unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let want = |host: &str| [host, "5432", "team", "sam"].map(String::from);
        assert_eq!(
            password_from_file(&file, want("db")),
            Some("pa:ss:word".to_string())
        );
        assert_eq!(password_from_file(&file, want("elsewhere")), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            password_from_file(&file, want("db")),
            None,
            "others may read it"
        );
    }

    #[test]
    fn unknown_parameters_and_modes_are_refused() {
        let e = Target::parse("postgresql://sam@db/team?colour=blue")
            .err()
            .unwrap();
        assert!(
            e.message.contains("unknown parameter `colour`"),
            "{}",
            e.message
        );
        let e = Target::parse("postgresql://sam@db/team?sslmode=maybe")
            .err()
            .unwrap();
        assert!(e.message.contains("sslmode `maybe`"), "{}", e.message);
        let t = Target::parse("postgresql://sam@db:6543/team?sslmode=require&connect_timeout=3")
            .unwrap();
        assert_eq!((t.user(), t.dbname(), t.port()), ("sam", "team", 6543));
    }
}
