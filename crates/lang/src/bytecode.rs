//! The instruction set (`Op`), compiled functions (`FunctionProto`), the
//! compiled file (`Program`) and the disassembler.
//!
//! Operands that name a property or global (`Name`) index `Program::names`
//! until the VM links the program, which rewrites them to its own atoms.

use super::source::{SourceFile, Span};
use std::fmt::Write;
use std::sync::Arc;

/// A local variable's slot in its frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(pub u16);
/// An index into a function's constant pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstIdx(pub u32);
/// A property or global name: a `Program::names` index before linking, a VM atom after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Name(pub u32);
/// An absolute instruction index in the same function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub u32);
/// An index into `Program::functions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncIdx(pub u32);

/// What `Op::DefineMember` defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    /// `get key() {}`: an enumerable getter (object literals).
    Getter,
    /// `set key(v) {}`: an enumerable setter (object literals).
    Setter,
    /// A class's method: not enumerable.
    Method,
    /// A class's getter: not enumerable.
    ClassGetter,
    /// A class's setter: not enumerable.
    ClassSetter,
    /// A class field: an enumerable data property.
    Field,
    /// A `#private` field.
    PrivateField,
    /// A `#private` method: read-only.
    PrivateMethod,
    /// A `#private` getter.
    PrivateGetter,
    /// A `#private` setter.
    PrivateSetter,
}

/// One instruction. The comment on each gives its stack effect.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// [] → [constant]
    Const(ConstIdx),
    /// [key, f] → [key', f]: key' is ToPropertyKey(key), and the
    /// anonymous function `f` is named after it (`[description]` for a
    /// symbol), prefixed `get ` (1) or `set ` (2): a computed key's name.
    NameFromKey(u8),
    /// [] → [a new RegExp object]: a literal with pattern and flags in
    /// these constants. `vm::load` compiles the pattern once and puts the
    /// compiled literal's number in `Vm::regexps` in the first operand.
    RegExp(ConstIdx, ConstIdx),
    /// [] → [n]
    Int(i32),
    /// [] → [undefined]
    Undef,
    /// [] → [null]
    Null,
    /// [] → [true]
    True,
    /// [] → [false]
    False,
    /// [a] → []
    Pop,
    /// [a × n] → []
    PopN(u8),
    /// [a] → [a, a]
    Dup,
    /// [a, b] → [a, b, a, b]
    Dup2,
    /// [a, b] → [b, a]
    Swap,

    /// [] → [local]
    LoadLocal(Slot),
    /// [v] → [v], local = v
    StoreLocal(Slot),
    /// [v] → [], local = v
    StoreLocalPop(Slot),
    /// [] → [*cell in local]
    LoadCell(Slot),
    /// [v] → [v], *cell in local = v
    StoreCell(Slot),
    /// [v] → [], local = new cell holding v
    NewCell(Slot),
    /// [] → [], local = new cell holding the old cell's value (a fresh loop binding)
    RenewCell(Slot),
    /// [] → [*upvalue]
    LoadUpval(u16),
    /// [] → [*upvalue, undefined]: a callee and its `this` (fused by `emit`)
    LoadUpvalUndef(u16),
    /// [] → [the running closure]: a function's own name, never assigned
    LoadSelf,
    /// [] → [the running closure, undefined]: a recursive call's callee
    LoadSelfUndef,
    /// [] → [local, undefined]: a callee and its `this` (fused by `emit`)
    LoadLocalUndef(Slot),
    /// [] → [global, undefined]: a callee and its `this` (fused by `emit`)
    LoadGlobalUndef(Name),
    /// [v] → [v], *upvalue = v
    StoreUpval(u16),
    /// [] → [global]; ReferenceError if it does not exist
    LoadGlobal(Name),
    /// [] → [global or undefined] (for `typeof`)
    LoadGlobalOrUndef(Name),
    /// [v] → [v], global = v
    StoreGlobal(Name),
    /// [] → [this]
    LoadThis,
    /// [] → [the marker of a `let`/`const` not yet initialised (the TDZ)]
    Uninit,
    /// [v] → [v]; ReferenceError naming the binding if v is the `Uninit` marker
    CheckInit(Name),

    /// [] → [[]] with room for n elements
    NewArray(u32),
    /// [arr, v] → [arr]
    ArrayPush,
    /// [arr] → [arr] with one more hole (the array turns sparse)
    ArrayHole,
    /// [arr, v] → [arr]: `ArrayPush` after a hole, when the array is sparse
    ArrayPushSparse,
    /// [arr, iterable] → [arr] with the iterable's items appended
    ArraySpread,
    /// [] → [{}] with room for n properties
    NewObject(u32),
    /// [obj, v] → [obj], defines obj.name = v
    InitField(Name),
    /// [obj, key, v] → [obj], defines obj[key] = v
    InitIndex,
    /// [obj, key, f] → [obj], defines an accessor half or a class member
    DefineMember(MemberKind),
    /// [ctor] → [ctor] (or [ctor, parent] → [ctor] when the flag says it
    /// extends one): makes the class's `prototype` and links them
    MakeClass(bool),
    /// [obj] → [obj's prototype or null]
    ProtoOf,
    /// [parent, this, args array] → [this as the parent's constructor left it]
    SuperCall,
    /// [home, this, key] → [home[key], a getter called on this]
    SuperGet,
    /// [] → returns a new generator object (kept in the local too) that
    /// resumes the frame at the next instruction. In an async function
    /// (not an async generator) the frame runs on: the object is its run,
    /// kept for its `await`s, and its promise is made
    Generator(Slot),
    /// [v] → suspends the generator in the local, giving `{ value: v,
    /// done: false }`; resumed, [] → [the value sent]
    Yield(Slot),
    /// [v] → ends the generator in the local: `{ value: v, done: true }`
    GenReturn(Slot),
    /// [r] → suspends the generator in the local, giving `r` as it is (an
    /// inner iterator's result, `yield*`); resumed by `next`, `throw` or
    /// `return` alike, [] → [the value sent]
    YieldRaw(Slot),
    /// [] → [how the generator was resumed last: 0 next, 1 throw, 2 return]
    ResumeKind,
    /// [obj, v] → [obj], obj's prototype set to v if it is an object or
    /// null (`__proto__: v` in a literal)
    InitProto,
    /// [v] → throws the TypeError of assigning to constant `name`
    AssignConst(Name),
    /// [] → [the running closure's home object, or undefined]
    HomeObject,
    /// [obj, …, f] → the same; `f` (an object literal's method) carries
    /// `obj`, `n` values below it, as its home object
    SetHome(u8),
    /// After a `yield` in a `try … finally`: `next()` resumes here and
    /// jumps; `return()` resumes after it, on the way out that follows
    ResumeCheck(Label),
    /// [v] → parks the async function (or async generator) in the local
    /// until the promise of `v` settles; resumed, [] → [its value]
    /// (a rejection is thrown here)
    Await(Slot),
    /// [obj, src] → [obj], copies src's own enumerable properties
    ObjectSpread,
    /// [src, key × n] → [copy of src without those keys]
    ObjectRest(u8),
    /// [arr] → [arr.slice(n)]
    ArrayRest(u32),
    /// [iterable] → [it as an array: itself if it is one, else its first n
    /// values] (array destructuring)
    ToArray(u32),
    /// [obj] → [obj.name]
    GetField(Name),
    /// [obj, v] → [v], obj.name = v
    SetField(Name),
    /// [obj, key] → [obj[key]]
    GetIndex,
    /// [obj, key, v] → [v], obj[key] = v
    SetIndex,
    /// [obj] → [f, obj] where f = obj.name (method call set-up)
    GetMethod(Name),
    /// [obj] → [deleted?]
    DeleteField(Name),
    /// [obj, key] → [deleted?]
    DeleteIndex,

    /// [] → [closure of the function]
    Closure(FuncIdx),
    /// [callee, this, args × n] → [result]
    Call(u8),
    /// [callee, this, args array] → [result]
    CallSpread,
    /// [callee, args × n] → [new object or constructor result]
    New(u8),
    /// [callee, args array] → [new object or constructor result]
    NewSpread,
    /// [v] → returns v to the caller
    Return,
    /// [v] → throws v
    Throw,

    /// jumps always
    Jump(Label),
    /// [v] → [], jumps if v is falsy
    JumpIfFalse(Label),
    /// [v] → [], jumps if v is truthy
    JumpIfTrue(Label),
    /// [v] → [v] and jumps if falsy, else [] (`&&`)
    JumpIfFalseKeep(Label),
    /// [v] → [v] and jumps if truthy, else [] (`||`)
    JumpIfTrueKeep(Label),
    /// [v] → [v] and jumps unless null/undefined, else [] (`??`)
    JumpIfNotNullishKeep(Label),
    /// [v] → [v], jumps unless null/undefined (optional chaining)
    JumpIfNotNullish(Label),
    /// [v] → [v] and jumps unless undefined, else [] (defaults)
    JumpIfNotUndefined(Label),
    /// [] → [], a catch handler at label for throws until the matching PopTry
    PushTry(Label),
    /// removes the innermost catch handler
    PopTry,
    /// [iterable] → [], local = an iterator over its values (`for…of`)
    IterValues(Slot),
    /// [object] → [], local = an iterator over its keys (`for…in`)
    IterKeys(Slot),
    /// [] → [next value], or jumps when the iterator in local is done
    IterNext(Slot, Label),

    /// [a, b] → [a + b]
    Add,
    /// [a, b] → [a - b]
    Sub,
    /// [a, b] → [a * b]
    Mul,
    /// [a, b] → [a / b]
    Div,
    /// [a, b] → [a % b]
    Mod,
    /// [a, b] → [a ** b]
    Pow,
    /// [a] → [-a]
    Neg,
    /// [a] → [+a]
    ToNumber,
    /// [a] → [a + 1] (numeric)
    Inc,
    /// [a] → [a - 1] (numeric)
    Dec,
    /// [a] → [!a]
    Not,
    /// [a] → [~a]
    BitNot,
    /// [a, b] → [a & b]
    BitAnd,
    /// [a, b] → [a | b]
    BitOr,
    /// [a, b] → [a ^ b]
    BitXor,
    /// [a, b] → [a << b]
    Shl,
    /// [a, b] → [a >> b]
    Shr,
    /// [a, b] → [a >>> b]
    UShr,
    /// [a, b] → [a == b]
    Eq,
    /// [a, b] → [a != b]
    Ne,
    /// [a, b] → [a === b]
    StrictEq,
    /// [a, b] → [a !== b]
    StrictNe,
    /// [a, b] → [a < b]
    Lt,
    /// [a, b] → [a <= b]
    Le,
    /// [a, b] → [a > b]
    Gt,
    /// [a, b] → [a >= b]
    Ge,
    /// [a] → [typeof a]
    TypeOf,
    /// [key, obj] → [key in obj]
    In,
    /// [v, ctor] → [v instanceof ctor]
    InstanceOf,
    /// [parts × n] → [their string concatenation] (template literals)
    Concat(u16),

    /// [] → [], local = ToNumber(local) + n (`i++` / `i--` as statements)
    AddLocalInt(Slot, i32),
    /// [v] → [], local = local + v (`x += v` as a statement)
    AddToLocal(Slot),
    /// [] → [local.name]
    GetLocalField(Slot, Name),
    /// [v] → [], local.name = v (`o.x = v` as a statement)
    SetLocalField(Slot, Name),
    /// [a] → [a + n]
    AddInt(i32),
    /// [a] → [a - n]
    SubInt(i32),
    /// [a] → [a * n]
    MulInt(i32),
    /// [a] → [a % n]
    ModInt(i32),
    /// [] → [], jumps unless local < constant number (loop heads)
    JumpIfNotLessLocalConst(Slot, ConstIdx, Label),
    /// Only in the VM's own functions: one step of a built-in that calls
    /// back into the script (vm/src/stepper.rs). Either calls the callee
    /// it put on the stack, [callee, this, args × n] → [result], and runs
    /// again; or pushes the built-in's result and jumps to the label
    Step(Label),
    /// [a, b] → [], jumps unless a < b (conditions of `if`, loops, `?:`)
    JumpIfNotLess(Label),
    /// [v] → [v], *upvalue = v, for an upvalue that is the top level's own
    /// binding: module state once the file has loaded, which a request
    /// may not change (the VM checks; other upvalue stores pay nothing)
    StoreTopUpval(u16),
    /// [specifier, options] → [promise]: `import(specifier, options)`, the
    /// namespace of a module the graph loaded for the calling module
    /// (vm/module_dynamic.rs)
    ImportCall,
    /// [home, this, key, value] → [value]: `super[key] = value`, the
    /// property looked up from `home`, set with `this` as the receiver
    SuperSet,
    /// [reason] → ends the async function in the local: its promise is
    /// rejected with `reason` and is what the frame returns (the handler
    /// the compiler puts around an async function's body lands here)
    AsyncReject(Slot),
    /// [value] → ends the async function in the local with `value`: its
    /// promise is resolved with it (made now if it never awaited, none
    /// when the host called it), and is what the frame returns
    AsyncReturn(Slot),
}

/// An instruction's name without its operands (`LoadLocal`).
fn op_name(op: &Op) -> String {
    let text = format!("{op:?}");
    text.split('(').next().unwrap_or(&text).to_string()
}

impl Op {
    /// Where a jumping instruction goes.
    pub fn jump_target(self) -> Option<Label> {
        let mut op = self;
        op.jump_target_mut().map(|l| *l)
    }

    /// The label of a jumping instruction, for patching.
    pub fn jump_target_mut(&mut self) -> Option<&mut Label> {
        match self {
            Op::Jump(l)
            | Op::JumpIfFalse(l)
            | Op::JumpIfTrue(l)
            | Op::JumpIfFalseKeep(l)
            | Op::JumpIfTrueKeep(l)
            | Op::JumpIfNotNullishKeep(l)
            | Op::JumpIfNotNullish(l)
            | Op::JumpIfNotUndefined(l)
            | Op::PushTry(l)
            | Op::ResumeCheck(l)
            | Op::IterNext(_, l)
            | Op::Step(l)
            | Op::JumpIfNotLess(l)
            | Op::JumpIfNotLessLocalConst(_, _, l) => Some(l),
            _ => None,
        }
    }
}

/// A constant-pool entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Num(f64),
    Str(String),
}

/// How a new closure finds each of its upvalues in the creating frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// The cell held in the creating frame's local slot.
    Local(Slot),
    /// The creating closure's own upvalue.
    Upval(u16),
}

/// One compiled function (the top level of a file is one too).
#[derive(Debug, Clone)]
pub struct FunctionProto {
    pub name: String,
    /// Declared parameters before any rest parameter.
    pub arity: u16,
    /// The function's `length`: the parameters before the first one with a
    /// default (or the rest parameter).
    pub length: u16,
    pub has_rest: bool,
    /// The slot after the parameters (and rest) holds an `arguments` object.
    pub has_arguments: bool,
    pub is_arrow: bool,
    /// A class's constructor: calling it without `new` is a TypeError.
    pub is_class_constructor: bool,
    /// A method, getter or setter: `new` on it is a TypeError.
    pub is_method: bool,
    /// `function*`: calling it makes a generator object.
    pub is_generator: bool,
    /// `async`: calling it starts the body and gives a promise of its end;
    /// `await` parks it like a generator's `yield` (vm/generator.rs).
    pub is_async: bool,
    /// Slots the frame reserves: parameters, then every local and hidden temporary.
    pub slots: u16,
    pub code: Vec<Op>,
    pub consts: Vec<Constant>,
    /// `spans[pc]` is the source of `code[pc]` (Lua's `lineinfo`).
    pub spans: Vec<Span>,
    pub captures: Vec<Capture>,
    pub span: Span,
    /// What the compiler proved about it (a plain comparator).
    pub facts: super::facts::Facts,
}

/// A compiled file: its functions (index 0 is the top level) and the names
/// its instructions refer to.
#[derive(Debug, Clone)]
pub struct Program {
    pub functions: Vec<FunctionProto>,
    pub names: Vec<String>,
    pub source: Arc<SourceFile>,
    /// A module's imports and exports (`None` for a script): what the
    /// loader links before the top level runs.
    pub module: Option<ModuleInfo>,
    /// The string literals of its `import()` specifiers, which the graph
    /// loads with it (a script may have them too).
    pub dynamic_imports: Vec<(String, Span)>,
}

impl Program {
    /// Whether its code calls `import()`: it needs the graph's loader even
    /// as a script.
    pub fn calls_import(&self) -> bool {
        let call = |op: &Op| matches!(op, Op::ImportCall);
        self.functions.iter().any(|f| f.code.iter().any(call))
    }
}

/// What a module asks of the modules it imports, and what it offers them.
/// A module's top level reads its imports and its exported bindings as
/// upvalues: `env[i]` is upvalue `i`, a cell the loader makes or takes
/// from the exporting module (so bindings are live, and cycles work).
#[derive(Debug, Clone, Default)]
pub struct ModuleInfo {
    /// Each module named, once per specifier and attributes, in source order.
    pub requests: Vec<crate::ast::ModuleRequest>,
    pub env: Vec<EnvBinding>,
    pub exports: Vec<ExportEntry>,
    /// `export * from` requests (indices into `requests`) and where each is.
    pub star_exports: Vec<(usize, Span)>,
    /// Top-level function declarations the loader makes before any top
    /// level runs (as the specification hoists them across modules): the
    /// function and the environment binding it goes in.
    pub hoisted: Vec<(FuncIdx, u16)>,
}

/// One upvalue of a module's top level.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvBinding {
    /// A top-level binding of the module (every one is in the
    /// environment, so functions can be made before the top level runs).
    /// A `let`, `const` or `class` (`lexical`) starts uninitialised, a
    /// `var` or `function` undefined.
    Local { name: String, lexical: bool },
    /// `import.meta`: an object the loader makes (`url`).
    Meta,
    /// An imported binding: the exporting module's cell.
    Import {
        request: usize,
        imported: crate::ast::ImportName,
        local: String,
        span: Span,
    },
}

/// One name a module exports.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportEntry {
    /// A binding of its own: upvalue `env` of the top level.
    Local {
        exported: String,
        env: u16,
        span: Span,
    },
    /// Another module's export (`export { a } from "m"`, an imported name
    /// exported again, `export * as ns from "m"`).
    Indirect {
        exported: String,
        request: usize,
        imported: crate::ast::ImportName,
        span: Span,
    },
}

impl ExportEntry {
    pub fn exported(&self) -> &str {
        match self {
            ExportEntry::Local { exported, .. } | ExportEntry::Indirect { exported, .. } => {
                exported
            }
        }
    }

    pub fn span(&self) -> Span {
        match self {
            ExportEntry::Local { span, .. } | ExportEntry::Indirect { span, .. } => *span,
        }
    }
}

impl Program {
    /// Prints every function's bytecode with offsets, operands, constants and source lines.
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.functions.iter().enumerate() {
            let (line, col) = self.source.line_col(f.span.start);
            let _ = writeln!(
                out,
                "== fn#{i} {} (arity {}{}, slots {}, upvalues {}) at {}:{line}:{col} ==",
                if f.name.is_empty() {
                    "<anonymous>"
                } else {
                    &f.name
                },
                f.arity,
                if f.has_rest { " + rest" } else { "" },
                f.slots,
                f.captures.len(),
                self.source.name,
            );
            let mut last_line = 0;
            for (pc, op) in f.code.iter().enumerate() {
                let (line, _) = self.source.line_col(f.spans[pc].start);
                let src = if line != last_line {
                    last_line = line;
                    format!("{line:>4} | {}", self.source.line_text(line).trim())
                } else {
                    "     |".to_string()
                };
                let _ = writeln!(out, "{pc:04}  {:<34} {src}", self.describe(f, op));
            }
            out.push('\n');
        }
        out
    }

    fn describe(&self, f: &FunctionProto, op: &Op) -> String {
        let konst = |c: &ConstIdx| match &f.consts[c.0 as usize] {
            Constant::Num(n) => semantics::number::to_js_string(*n),
            Constant::Str(s) => format!("{s:?}"),
        };
        let name = |n: &Name| {
            self.names
                .get(n.0 as usize)
                .cloned()
                .unwrap_or_else(|| format!("#{}", n.0))
        };
        match op {
            Op::Const(c) => format!("Const {}", konst(c)),
            Op::RegExp(p, f) => format!("RegExp {} {}", konst(p), konst(f)),
            Op::NameFromKey(p) => format!("NameFromKey {p}"),
            Op::LoadLocal(s)
            | Op::LoadLocalUndef(s)
            | Op::StoreLocal(s)
            | Op::StoreLocalPop(s)
            | Op::LoadCell(s)
            | Op::StoreCell(s)
            | Op::NewCell(s)
            | Op::RenewCell(s)
            | Op::IterValues(s)
            | Op::IterKeys(s) => format!("{} {}", op_name(op), s.0),
            Op::LoadGlobal(n)
            | Op::LoadGlobalUndef(n)
            | Op::LoadGlobalOrUndef(n)
            | Op::StoreGlobal(n)
            | Op::CheckInit(n)
            | Op::AssignConst(n)
            | Op::InitField(n)
            | Op::GetField(n)
            | Op::SetField(n)
            | Op::GetMethod(n)
            | Op::DeleteField(n) => {
                format!("{} {}", op_name(op), name(n))
            }
            Op::IterNext(s, l) => format!("IterNext {} -> {:04}", s.0, l.0),
            Op::Closure(fi) => {
                format!("Closure fn#{} {}", fi.0, self.functions[fi.0 as usize].name)
            }
            Op::AddLocalInt(s, n) => format!("AddLocalInt {} {}", s.0, n),
            Op::GetLocalField(s, n) | Op::SetLocalField(s, n) => {
                format!("{} {} {}", op_name(op), s.0, name(n))
            }
            Op::JumpIfNotLessLocalConst(s, c, l) => {
                format!("JumpIfNotLessLocalConst {} {} -> {:04}", s.0, konst(c), l.0)
            }
            _ if op.jump_target().is_some() => {
                let target = op.jump_target().map_or(0, |l| l.0);
                format!("{} -> {target:04}", op_name(op))
            }
            other => format!("{other:?}")
                .replace(['(', ')'], " ")
                .trim()
                .to_string(),
        }
    }
}
