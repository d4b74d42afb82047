//! %GeneratorPrototype%: `next`, `return`, `throw` and `[Symbol.iterator]`.

use super::{arg, method, native, string_tag};
use crate::attrs;
use crate::generator::Resume;
use crate::state::Vm;
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let gp = vm.realm.generator_proto;
    method(vm, gp, "next", 1, |vm, this, a| {
        vm.resume_generator(this, Resume::Next, arg(vm, a, 0))
    });
    method(vm, gp, "return", 1, |vm, this, a| {
        vm.resume_generator(this, Resume::Return, arg(vm, a, 0))
    });
    method(vm, gp, "throw", 1, |vm, this, a| {
        vm.resume_generator(this, Resume::Throw, arg(vm, a, 0))
    });
    // Iterators are iterable: `[Symbol.iterator]()` is the iterator itself.
    let itself = native(vm, "[Symbol.iterator]", 0, |_, this, _| Ok(this));
    let key = vm.atoms.symbols.iterator;
    vm.define_with(gp, key, Value::Obj(itself), attrs::METHOD)
        .expect("the realm is made within its budget");
    string_tag(vm, gp, "Generator");
}
