//! The lexer, parser, resolver and compiler on arbitrary text: a
//! diagnostic or a program, never a panic; a program that compiles runs
//! under small budgets without panicking the VM.
#![no_main]

use kitwork::vm::{Limits, Vm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(program) = kitwork::compile_file("fuzz.js", text) else {
        return;
    };
    let mut vm = Vm::new(Limits {
        instructions: 10_000,
        memory: 1 << 20,
    });
    vm.out = Box::new(std::io::sink());
    let main = vm.load(&program);
    let _ = vm.start(main);
});
