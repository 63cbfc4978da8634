//! The password rule of sign-up: the length rule every account follows, plus a small built-in
//! list of the most common passwords (and the email itself), compared case-insensitively.

use crate::accounts::service::check_password;
use crate::error::{AppError, AppResult};

/// Among the most used passwords of public breach lists that are at least 8 characters long
/// (shorter ones already fail the length rule).
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "12341234",
    "11111111",
    "00000000",
    "88888888",
    "87654321",
    "11223344",
    "12121212",
    "123123123",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "qwertyui",
    "qwerty123",
    "qwerty12",
    "qwertyuiop",
    "qwerty1234",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "abc12345",
    "abcd1234",
    "abcdefgh",
    "superman",
    "starwars",
    "trustno1",
    "whatever",
    "dragon12",
    "jennifer",
    "michelle",
    "computer",
    "internet",
    "letmein1",
    "letmein123",
    "monkey123",
    "shadow12",
    "master12",
    "mustang1",
    "corvette",
    "liverpool",
    "chelsea1",
    "arsenal1",
    "changeme",
    "changeme123",
    "administrator",
    "admin123",
    "admin1234",
    "default1",
    "secret12",
    "secret123",
    "zaq12wsx",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "aaaaaaaa",
    "azertyui",
    "azerty123",
    "motdepasse",
    "soleil123",
    "bonjour1",
    "doudou12",
    "loveyou1",
    "blink182",
    "hello123",
    "hellohello",
    "testtest",
    "test1234",
    "projector",
    "projector1",
    "projector123",
    "videos123",
    "passpass",
    "987654321",
    "qazwsxedc",
    "1qazxsw2",
    "google123",
    "samsung1",
    "pokemon1",
    "minecraft",
];

/// `VALIDATION` unless `password` follows the length rule, is not a common password and is
/// not the email (or its part before `@`).
pub fn check_new_password(password: &str, email: &str) -> AppResult<()> {
    check_password(password)?;
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err(AppError::validation(
            "password: this password is too common; choose another",
        ));
    }
    let local = email.split('@').next().unwrap_or_default();
    if lower == email || (!local.is_empty() && lower == local) {
        return Err(AppError::validation(
            "password: must not be your email address",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_the_email_are_refused_whatever_their_case() {
        assert!(check_new_password("Password123", "a@example.com").is_err());
        assert!(check_new_password("QWERTYUIOP", "a@example.com").is_err());
        assert!(check_new_password("someone.long", "someone.long@example.com").is_err());
        assert!(check_new_password("short", "a@example.com").is_err());
        assert!(check_new_password("correct horse battery", "a@example.com").is_ok());
    }

    #[test]
    fn every_listed_password_is_long_enough_to_need_the_list() {
        assert!(
            COMMON
                .iter()
                .all(|p| p.chars().count() >= 8 && *p == p.to_lowercase())
        );
    }
}
