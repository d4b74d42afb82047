//! The syntax tree. Every node carries the `Span` of the source it came from,
//! so every later error can point at it.

use super::source::Span;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Typeof,
    Void,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    In,
    Instanceof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
    Nullish,
}

/// `=` or a compound assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Assign,
    Binary(BinaryOp),
    Logical(LogicalOp),
}

#[derive(Clone, Debug, PartialEq)]
pub enum PropKey {
    Name(String),
    Computed(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Prop {
    /// `key: value`, `key` (shorthand) or a method.
    Init {
        key: PropKey,
        value: Expr,
    },
    /// `{ a = 1 }`: only valid once the literal is turned into a pattern.
    ShorthandDefault {
        name: String,
        default: Expr,
        span: Span,
    },
    Spread(Expr),
    /// `__proto__: value`: the literal's prototype (when `value` is an
    /// object or null; anything else is ignored).
    Proto(Expr),
    /// `get key() {}` or `set key(v) {}`; `value` is the function.
    Accessor {
        key: PropKey,
        setter: bool,
        value: Expr,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArrayElem {
    Expr(Expr),
    Spread(Expr),
    Hole,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// `quasis.len() == exprs.len() + 1`.
    Template {
        quasis: Vec<String>,
        exprs: Vec<Expr>,
    },
    /// A regular expression literal: its pattern and flags as written.
    RegExp {
        pattern: String,
        flags: String,
    },
    Ident(String),
    This,
    Array(Vec<ArrayElem>),
    Object(Vec<Prop>),
    Function(Rc<Function>),
    Unary(UnaryOp, Box<Expr>),
    Update {
        inc: bool,
        prefix: bool,
        target: Box<Expr>,
    },
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    Assign {
        op: AssignOp,
        target: Box<Pattern>,
        value: Box<Expr>,
    },
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call {
        callee: Box<Expr>,
        args: Vec<ArrayElem>,
        optional: bool,
    },
    New {
        callee: Box<Expr>,
        args: Vec<ArrayElem>,
    },
    Member {
        object: Box<Expr>,
        name: String,
        optional: bool,
    },
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
        optional: bool,
    },
    /// The end of an optional chain: a `?.` inside short-circuits to here.
    OptChain(Box<Expr>),
    Seq(Vec<Expr>),
    /// `#x` on the left of `in`: the private name as a key.
    PrivateName(String),
    /// `await x` in an async function.
    Await(Box<Expr>),
    /// `import(specifier, options)`: the promise of a module's namespace.
    ImportCall {
        specifier: Box<Expr>,
        options: Option<Box<Expr>>,
    },
    /// `yield x` / `yield* iterable` in a generator.
    Yield {
        arg: Option<Box<Expr>>,
        delegate: bool,
    },
    /// An operation classes are built from (class.rs in the parser turns
    /// a class into these); its operands are evaluated in order.
    Intrinsic(Intrinsic, Vec<ArrayElem>),
}

/// The operations `ExprKind::Intrinsic` performs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Intrinsic {
    /// (constructor, [parent]) → the constructor, with its `prototype`
    /// made (inheriting from the parent's) and `constructor` set.
    MakeClass,
    /// (object) → its prototype or null.
    ProtoOf,
    /// (target, key, value) → target, with the member defined on it.
    DefineMember(crate::bytecode::MemberKind),
    /// (parent, this, ...args) → `this` as the parent's constructor left it.
    SuperCall,
    /// (home, this, key) → `home[key]` read with `this` as receiver.
    SuperGet,
    /// (home, this, key, value) → value, `home[key] = value` with `this` as
    /// receiver (`super.x = value`).
    SuperSet,
    /// (f, this, ...args) → `f` called with that `this`.
    CallWith,
    /// () → the marker of a binding not yet initialised (`Op::Uninit`):
    /// a derived constructor's `%this` before `super()`.
    Uninit,
    /// (result) → parks the generator giving an inner iterator's result
    /// as it is; the value sent when resumed (`yield*`).
    YieldRaw,
    /// () → how the generator was resumed last: 0 `next`, 1 `throw`,
    /// 2 `return` (right after `YieldRaw`).
    ResumeKind,
    /// () → the home object of the running method (an object literal's).
    HomeObject,
}

/// What kind of function a `Function` is, beyond its syntax.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum FnKind {
    #[default]
    Normal,
    /// A class's or literal's method, getter or setter: not a constructor.
    Method,
    /// A class's constructor: `new` only.
    ClassConstructor,
    /// The function a class body is evaluated in; `privates` are the
    /// private names the class declares.
    ClassBody { privates: Vec<String> },
}

/// A binding or assignment target.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    Ident(String, Span),
    /// Assignment to a member or index expression (assignments only).
    Expr(Expr),
    Object {
        props: Vec<PatProp>,
        rest: Option<Box<Pattern>>,
        span: Span,
    },
    Array {
        elems: Vec<Option<PatElem>>,
        rest: Option<Box<Pattern>>,
        span: Span,
    },
}

impl Pattern {
    pub fn span(&self) -> Span {
        match self {
            Pattern::Ident(_, s)
            | Pattern::Object { span: s, .. }
            | Pattern::Array { span: s, .. } => *s,
            Pattern::Expr(e) => e.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PatProp {
    pub key: PropKey,
    pub value: Pattern,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PatElem {
    pub pattern: Pattern,
    pub default: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Var,
    Let,
    Const,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Declarator {
    pub pattern: Pattern,
    pub init: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ForInit {
    Decl(VarKind, Vec<Declarator>),
    Expr(Expr),
}

/// The left side of `for (… of …)` / `for (… in …)`.
#[derive(Clone, Debug, PartialEq)]
pub enum ForHead {
    Decl(VarKind, Pattern),
    Target(Pattern),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub test: Option<Expr>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Empty,
    Expr(Expr),
    Var(VarKind, Vec<Declarator>),
    Function(Rc<Function>),
    Block(Vec<Stmt>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    For {
        init: Option<ForInit>,
        test: Option<Expr>,
        update: Option<Expr>,
        body: Box<Stmt>,
    },
    ForOf {
        head: ForHead,
        iter: Expr,
        body: Box<Stmt>,
    },
    /// `for await (head of iter) body`, in an async function or a
    /// module's top level.
    ForAwait {
        head: ForHead,
        iter: Expr,
        body: Box<Stmt>,
    },
    ForIn {
        head: ForHead,
        object: Expr,
        body: Box<Stmt>,
    },
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    Break(Option<String>),
    Continue(Option<String>),
    Return(Option<Expr>),
    Throw(Expr),
    Try {
        block: Vec<Stmt>,
        param: Option<Pattern>,
        handler: Option<Vec<Stmt>>,
        finalizer: Option<Vec<Stmt>>,
    },
    Switch(Expr, Vec<Case>),
    Labeled(String, Box<Stmt>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub pattern: Pattern,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Block(Vec<Stmt>),
    /// An arrow's expression body.
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: Option<String>,
    pub params: Vec<Param>,
    pub rest: Option<Pattern>,
    pub body: Body,
    pub is_arrow: bool,
    pub span: Span,
    pub kind: FnKind,
    /// `function*` or `*method()`.
    pub is_generator: bool,
    /// `async function`, `async () => …` or `async method()`.
    pub is_async: bool,
    /// An object literal's method that uses `super`: its closure carries
    /// the literal (its home object), which `%home` reads.
    pub needs_home: bool,
}

/// A parsed file: its top-level statements, and what it imports and
/// exports (the declarations `export` wraps are in `body`).
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub body: Vec<Stmt>,
    pub span: Span,
    pub module: ModuleRecord,
}

/// A module's imports and exports, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleRecord {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// An `import` or `export` declaration was seen (`export {}` makes a
    /// module that imports and exports nothing), or `import.meta`.
    pub declared: bool,
    /// `import.meta` is read: the module environment holds it.
    pub import_meta: bool,
    /// `await` is used at the top level ([[HasTLA]]): the module's body
    /// runs as an async function, and its importers wait for it.
    pub top_level_await: bool,
    /// The string literals in the specifiers of `import()` calls (a script
    /// may have them too): the modules loaded with the graph, which those
    /// calls can import.
    pub dynamic: Vec<(String, Span)>,
}

/// The hidden module binding `import.meta` reads (no identifier can spell it).
pub const IMPORT_META: &str = "%import.meta";

impl ModuleRecord {
    /// No `import` or `export` declaration: a script.
    pub fn is_empty(&self) -> bool {
        !self.declared
    }
}

/// `"./lib.js"` with its import attributes (`with { type: "json" }`).
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleRequest {
    pub specifier: String,
    pub attributes: Vec<(String, String)>,
    pub span: Span,
}

/// What an import or a re-export takes from the other module.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportName {
    /// `import * as ns`, `export * as ns from`: the namespace object.
    Namespace,
    /// A named export (`default` for `import x from`).
    Name(String),
}

/// `import d, { a as b } from "m"` or `import "m"` (no bindings).
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub request: ModuleRequest,
    pub bindings: Vec<ImportBinding>,
    pub span: Span,
}

/// One local binding an import makes.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportBinding {
    pub imported: ImportName,
    pub local: String,
    pub span: Span,
}

/// The local binding `export default expression` and anonymous default
/// functions and classes are stored in (no identifier can spell it).
pub const DEFAULT_BINDING: &str = "*default*";

/// One name a module exports.
#[derive(Clone, Debug, PartialEq)]
pub enum Export {
    /// `export { local as exported }`, `export const …`, `export default …`.
    Local {
        exported: String,
        local: String,
        span: Span,
    },
    /// `export { a as b } from "m"`, `export * as ns from "m"`.
    Indirect {
        exported: String,
        imported: ImportName,
        request: ModuleRequest,
        span: Span,
    },
    /// `export * from "m"`: every name of `m` but `default`.
    Star { request: ModuleRequest, span: Span },
}

impl Export {
    pub fn span(&self) -> Span {
        match self {
            Export::Local { span, .. }
            | Export::Indirect { span, .. }
            | Export::Star { span, .. } => *span,
        }
    }
}
