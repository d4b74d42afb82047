//! The query builder's identifier check: whatever it accepts is letters,
//! digits, `_` and at most one `.`, so quoting it can never be escaped.
#![no_main]

use kitwork::vm::io::sql::check_identifier;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    if check_identifier(name).is_ok() {
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'));
        assert!(name.matches('.').count() <= 1);
        assert!(!name.starts_with('.') && !name.ends_with('.'));
        assert!(!name.contains('"') && !name.contains('\0'));
    }
});
