//! The error of a setting that is wrong, shared by the settings' groups (`config`,
//! `storage_settings`).

/// One setting was wrong; `Display` is the single line printed before exiting.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid {setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

pub fn invalid(setting: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        message: message.into(),
    }
}
