//! The user's defaults: `config.toml` in the XDG config directory (or `--config` /
//! `CASELOG_CONFIG`). Flags beat environment variables, which beat the file, which beats the
//! built-in defaults; clap applies the first two, this module the rest.

use std::path::{Path, PathBuf};

use directories::{BaseDirs, ProjectDirs};
use serde::Deserialize;

use crate::domain::family::FamilyRule;
use crate::error::{Error, Result};

/// What the config file may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The advisor's name, used when `--advisor` is not given.
    pub advisor: Option<String>,
    /// The auditor's name, used when `audit --auditor` is not given.
    pub auditor: Option<String>,
    /// The logbook file, or a team logbook's `postgresql://` URL.
    pub database: Option<PathBuf>,
    /// A partnership's thresholds file.
    pub thresholds: Option<PathBuf>,
    /// What the service's family references look like, when they need no digit: a regular
    /// expression that a reference must match in full.
    pub family_pattern: Option<String>,
    /// The rule family references are checked by: `family_pattern`'s, or a digit.
    #[serde(skip)]
    pub family: FamilyRule,
}

/// Where caselog keeps its files by default.
fn project_dirs() -> Result<ProjectDirs> {
    ProjectDirs::from("", "", "caselog").ok_or_else(|| {
        Error::failure("cannot find your home directory to keep the logbook in")
            .hint("set HOME, or give the logbook's path with --db or CASELOG_DB")
    })
}

/// The default logbook: `$XDG_DATA_HOME/caselog/caselog.db`, else `~/.local/share/caselog/`.
pub fn default_database() -> Result<PathBuf> {
    Ok(project_dirs()?.data_dir().join("caselog.db"))
}

/// The default config file: `$XDG_CONFIG_HOME/caselog/config.toml`, else `~/.config/caselog/`.
pub fn default_config_file() -> Result<PathBuf> {
    Ok(project_dirs()?.config_dir().join("config.toml"))
}

impl Config {
    /// Reads the config file. A file named by the user must exist; the default one may not.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_config_file() {
                Ok(p) if p.exists() => p,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::input(format!("cannot read config file {}: {e}", path.display()))
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| format!(":{}", text[..s.start].matches('\n').count() + 1))
                .unwrap_or_default();
            Error::input(format!(
                "config file {}{line}: {}",
                path.display(),
                e.message()
            ))
            .hint(
                "the config file may set advisor, auditor, database, thresholds and family_pattern \
                 (docs/configuration.md)",
            )
        })?;
        if let Some(pattern) = &config.family_pattern {
            config.family = FamilyRule::pattern(pattern).map_err(|why| {
                Error::input(format!(
                    "config file {}: family_pattern is not a valid regular expression: {why}",
                    path.display()
                ))
                .hint(
                    "family_pattern is a regular expression in Rust regex syntax that a whole \
                     family reference must match, such as '[A-Z]{3}-[0-9]{4}' \
                     (docs/configuration.md)",
                )
            })?;
        }
        let base = path.parent().unwrap_or(Path::new("."));
        // A team logbook's URL is not a path.
        config.database = config.database.map(|p| {
            if crate::store::postgres::connect::is_url(p.as_os_str()) {
                p
            } else {
                resolve(base, &p)
            }
        });
        config.thresholds = config.thresholds.map(|p| resolve(base, &p));
        Ok(config)
    }
}

/// Expands `~/` and makes a relative path relative to the config file's directory.
fn resolve(base: &Path, path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(dirs) = BaseDirs::new()
    {
        return dirs.home_dir().join(rest);
    }
    if path.is_relative() {
        base.join(path)
    } else {
        path.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_follow_the_config_file() {
        assert_eq!(
            resolve(Path::new("/etc/x"), Path::new("t.toml")),
            PathBuf::from("/etc/x/t.toml")
        );
        assert_eq!(
            resolve(Path::new("/etc/x"), Path::new("/a/b")),
            PathBuf::from("/a/b")
        );
    }
}
