//! `JSON.parse` on arbitrary text: a value or a SyntaxError, never a
//! panic; what parses is written back and parses again to the same text.
#![no_main]

use kitwork::vm::json::Format;
use kitwork::vm::{Limits, Vm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut vm = Vm::new(Limits {
        instructions: 1_000_000,
        memory: 1 << 22,
    });
    let Ok(v) = vm.parse_json(text) else {
        return;
    };
    let mut once = Vec::new();
    if vm.write_json(v, &Format::COMPACT, &mut once).is_err() {
        return;
    }
    let once = String::from_utf8(once).expect("JSON output is UTF-8");
    let again = vm.parse_json(&once).expect("written JSON parses");
    let mut twice = Vec::new();
    vm.write_json(again, &Format::COMPACT, &mut twice)
        .expect("it was written once");
    assert_eq!(once.as_bytes(), &twice[..]);
});
