//! Where providers read environment variables: the process's, or a fixed set in tests, so
//! tests never change the environment that other tests read concurrently.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Default)]
pub(crate) struct Env {
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The variable's value; unset and empty are the same.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            None => std::env::var(name).ok(),
            Some(fixed) => fixed.get(name).cloned(),
        };
        value.filter(|value| !value.is_empty())
    }

    /// Whether the variable is `true` (in any case), as Alibaba Cloud's tools read switches.
    pub(crate) fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    }

    /// The user's home directory: `HOME`, else `USERPROFILE` (Windows).
    pub(crate) fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }

    #[cfg(test)]
    pub(crate) fn fixed(pairs: &[(&str, &str)]) -> Self {
        let fixed = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Env {
            fixed: Some(Arc::new(fixed)),
        }
    }
}

/// Names the kind only: the values may be secrets.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fixed {
            None => f.write_str("Env(process)"),
            Some(_) => f.write_str("Env(fixed)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_unset_and_switches_ignore_case() {
        let env = Env::fixed(&[
            ("EMPTY", ""),
            ("ON", "TRUE"),
            ("OFF", "1"),
            ("SECRET", "hidden-value"),
        ]);
        assert_eq!(env.get("EMPTY"), None);
        assert_eq!(env.get("MISSING"), None);
        assert!(env.is_true("ON"));
        assert!(!env.is_true("OFF"));
        assert!(!env.is_true("MISSING"));
        assert_eq!(format!("{env:?}"), "Env(fixed)");
        assert_eq!(env.home(), None);
        let windows = Env::fixed(&[("USERPROFILE", "C:\\Users\\me")]);
        assert_eq!(windows.home(), Some(PathBuf::from("C:\\Users\\me")));
        let both = Env::fixed(&[("USERPROFILE", "C:\\Users\\me"), ("HOME", "/home/me")]);
        assert_eq!(both.home(), Some(PathBuf::from("/home/me")));
    }

    #[test]
    fn process_environment_is_read_as_is() {
        // PATH is set for every test process; nothing here changes the environment.
        assert_eq!(
            Env::default().get("PATH"),
            std::env::var("PATH").ok().filter(|path| !path.is_empty())
        );
    }
}
