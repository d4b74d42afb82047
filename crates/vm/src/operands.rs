//! The operand-stack macros the dispatch loop and the call paths are
//! written with: `peek!`, `set_top!`, `pop!`.

/// Reads the top of the operand stack; with `set_top!`, operators replace
/// their last operand in place instead of a pop and a push.
macro_rules! peek {
    ($vm:ident) => {
        match $vm.stack.last() {
            Some(v) => *v,
            None => unreachable!("operand stack underflow"),
        }
    };
}

/// Replaces the top of the operand stack.
macro_rules! set_top {
    ($vm:ident, $v:expr) => {{
        let v = $v;
        match $vm.stack.last_mut() {
            Some(t) => *t = v,
            None => unreachable!("operand stack underflow"),
        }
    }};
}

macro_rules! pop {
    ($vm:ident) => {
        match $vm.stack.pop() {
            Some(v) => v,
            None => unreachable!("operand stack underflow"),
        }
    };
}
