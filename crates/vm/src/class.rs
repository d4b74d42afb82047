//! What classes need from the VM (the parser turns a class into these
//! operations, see lang's parser/class.rs): making a class's prototype,
//! `super(…)`, `super.x`, and defining members, `#private` ones included.

use super::attrs::{self, Attrs};
use super::error::Interrupt;
use super::heap::Class;
use super::state::Vm;
use super::value::{ObjId, Value};
use lang::bytecode::MemberKind;

impl Vm {
    /// `Op::MakeClass`: gives constructor `f` its `prototype`, inheriting
    /// from `parent`'s when there is one (null: from nothing), and makes
    /// `f` inherit from `parent`.
    #[inline(never)]
    pub(crate) fn make_class(&mut self, f: ObjId, parent: Option<Value>) -> Result<(), Interrupt> {
        let proto_parent = match parent {
            None => Some(self.realm.object_proto),
            Some(Value::Null) => None,
            Some(p) if self.is_constructor(p) => match self.get_field(p, self.atoms.prototype)? {
                Value::Obj(pp) => Some(pp),
                Value::Null => None,
                _ => {
                    return Err(self
                        .type_error("Class extends value does not have valid prototype property"));
                }
            },
            Some(p) => {
                let shown = super::inspect::inspect_short(self, p);
                return Err(self.type_error(format!(
                    "Class extends value {shown} is not a constructor or null"
                )));
            }
        };
        if let Some(Value::Obj(p)) = parent {
            self.heap.obj_mut(f).proto = Some(p);
        }
        let proto = self.heap.alloc(Class::Object, proto_parent)?;
        self.define_with(proto, self.atoms.constructor, Value::Obj(f), attrs::METHOD)?;
        let fixed = attrs::HIDDEN | attrs::READONLY | attrs::FIXED;
        self.define_with(f, self.atoms.prototype, Value::Obj(proto), fixed)
    }

    /// Whether `new v(…)` may be tried: a function that is not an arrow,
    /// a method or a built-in that only calls.
    pub fn is_constructor(&self, v: Value) -> bool {
        let Value::Obj(id) = v else { return false };
        match self.heap.obj(id).class {
            Class::Closure(fi) => self.funcs[fi as usize].constructible,
            // A bound function constructs what its target does.
            Class::Native(ni) if ni == self.realm.bound_native => {
                let target = self.heap.obj(id).elems[0];
                self.is_constructor(target)
            }
            Class::Native(ni) => self.natives[ni as usize].construct,
            _ => false,
        }
    }

    /// `Op::SuperCall` before the call: [parent, this, args array] →
    /// [parent, this, args…]; the argument count.
    #[inline(never)]
    pub(crate) fn prepare_super_call(&mut self) -> Result<usize, Interrupt> {
        let parent = self.stack[self.stack.len() - 3];
        if !self.is_constructor(parent) {
            let shown = super::inspect::inspect_short(self, parent);
            return Err(self.type_error(format!("Super constructor {shown} is not a constructor")));
        }
        self.spread_args()
    }

    /// What the running frame was constructed as (its callee slot), if it
    /// was constructed.
    pub(crate) fn new_target(&self) -> Option<Value> {
        match self.frames.last() {
            Some(f) if f.construct => Some(self.stack[f.base as usize - 2]),
            _ => None,
        }
    }

    /// `Op::SuperCall` after a built-in parent constructed: what it made
    /// (an `Error`, an `Array`) takes the subclass's prototype from `this`.
    #[inline(never)]
    pub(crate) fn adopt_super_result(&mut self, this: Value) {
        let made = *self.stack.last().unwrap();
        if let (Value::Obj(m), Value::Obj(t)) = (made, this) {
            if m != t && !self.heap.is_permanent(m) {
                self.heap.obj_mut(m).proto = self.heap.obj(t).proto;
            }
        }
    }

    /// `Op::SuperGet`: `key` looked up from `home` (a parent prototype),
    /// a getter called on `this`.
    #[inline(never)]
    pub(crate) fn super_get(
        &mut self,
        home: Value,
        this: Value,
        key: Value,
    ) -> Result<Value, Interrupt> {
        let a = self.to_atom(key)?;
        let start = match home {
            Value::Obj(h) => Some(h),
            _ => None,
        };
        let found = self.lookup_chain(start, a);
        self.read_slot(found, this)
    }

    /// `Op::SuperSet`: [home, this, key, value] → [value] (out of the
    /// dispatch loop, which keeps its hot paths tighter without it).
    #[inline(never)]
    pub(crate) fn super_set_op(&mut self) -> Result<(), Interrupt> {
        let n = self.stack.len();
        let [home, this, key, v] = self.stack[n - 4..] else {
            unreachable!("SuperSet has four operands")
        };
        self.super_set(home, this, key, v)?;
        self.stack.truncate(n - 4);
        self.stack.push(v);
        Ok(())
    }

    /// OrdinarySet from `home` with `this` as the
    /// receiver: a setter found on the way is called on `this`; otherwise
    /// the value goes on `this` itself (an own writable data property, or
    /// a new one).
    fn super_set(
        &mut self,
        home: Value,
        this: Value,
        key: Value,
        v: Value,
    ) -> Result<(), Interrupt> {
        let a = self.to_atom(key)?;
        let start = match home {
            Value::Obj(h) => Some(h),
            _ => {
                return Err(self.type_error(format!(
                    "Cannot set property '{}' of {} (`super` has no prototype)",
                    self.heap.atom_str(a),
                    if matches!(home, Value::Null) {
                        "null"
                    } else {
                        "undefined"
                    },
                )));
            }
        };
        if let Some((slot, at)) = self.lookup_chain(start, a) {
            if self.assign_through(slot, at, this, a, v)? {
                return Ok(());
            }
        }
        let Value::Obj(r) = this else {
            return Err(self.type_error(format!(
                "Cannot create property '{}' on a primitive",
                self.heap.atom_str(a)
            )));
        };
        match self.get_own_slot(r, a) {
            Some((_, at)) if at & (attrs::ACCESSOR | attrs::READONLY) != 0 => {
                Err(self.type_error(format!(
                    "Cannot assign to property '{}' of the receiver",
                    self.heap.atom_str(a)
                )))
            }
            Some(_) => self.set_field(this, a, v),
            None if !self.heap.obj(r).extensible => Err(self.type_error(format!(
                "Cannot add property {}, object is not extensible",
                self.heap.atom_str(a)
            ))),
            None => self.define_own(r, a, v),
        }
    }

    /// `Op::DefineMember` for a class member or a literal's accessor.
    #[inline(never)]
    pub fn define_member(
        &mut self,
        o: ObjId,
        key: Value,
        f: Value,
        kind: MemberKind,
    ) -> Result<(), Interrupt> {
        let a = self.to_atom(key)?;
        let private = attrs::HIDDEN | attrs::PRIVATE;
        match kind {
            MemberKind::Getter => self.define_accessor(o, a, f, false, attrs::PLAIN),
            MemberKind::Setter => self.define_accessor(o, a, f, true, attrs::PLAIN),
            MemberKind::ClassGetter => self.define_accessor(o, a, f, false, attrs::HIDDEN),
            MemberKind::ClassSetter => self.define_accessor(o, a, f, true, attrs::HIDDEN),
            MemberKind::Method => self.define_with(o, a, f, attrs::METHOD),
            MemberKind::Field => {
                self.open_object(o)?;
                self.define_with(o, a, f, attrs::PLAIN)
            }
            MemberKind::PrivateField | MemberKind::PrivateMethod => {
                self.check_new_private(o, a)?;
                let at: Attrs = if kind == MemberKind::PrivateMethod {
                    private | attrs::READONLY
                } else {
                    private
                };
                self.define_with(o, a, f, at)
            }
            MemberKind::PrivateGetter | MemberKind::PrivateSetter => {
                let setter = kind == MemberKind::PrivateSetter;
                if let Some((_, at)) = self.get_own_slot(o, a) {
                    if at & attrs::ACCESSOR == 0 {
                        self.check_new_private(o, a)?;
                    }
                }
                self.define_accessor(o, a, f, setter, private)
            }
        }
    }

    /// A private name is added to an object once.
    fn check_new_private(&mut self, o: ObjId, a: super::value::Atom) -> Result<(), Interrupt> {
        self.open_object(o)?;
        if self.heap.obj(o).find(a).is_some() {
            let name = private_text(self.heap.atom_str(a));
            return Err(
                self.type_error(format!("Cannot initialize {name} twice on the same object"))
            );
        }
        Ok(())
    }
}

/// Whether a property key is a class's private name: the compiler makes
/// `#x` into `#x@offset`, which `obj["#x"]` and other string keys do not
/// look like.
pub fn is_private_key(key: &str) -> bool {
    key.starts_with('#')
        && key
            .rsplit_once('@')
            .is_some_and(|(_, at)| !at.is_empty() && at.bytes().all(|b| b.is_ascii_digit()))
}

/// A private name as the script wrote it (`#x`, not the `#x@12` key).
pub fn private_text(key: &str) -> &str {
    key.split('@').next().unwrap_or(key)
}

impl Vm {
    /// `Op::NameFromKey`: the key on the stack made a property key, the
    /// function above it named after it. Out of line: object literals with
    /// computed method keys only.
    #[inline(never)]
    pub(crate) fn name_from_key(&mut self, prefix: u8) -> Result<(), Interrupt> {
        let n = self.stack.len();
        let (key, f) = (self.stack[n - 2], self.stack[n - 1]);
        let key = match self.to_key(key)? {
            crate::property::Key::Name(a) => {
                if self.heap.is_symbol(a) {
                    Value::Symbol(a)
                } else {
                    Value::Atom(a)
                }
            }
            crate::property::Key::Index(i) => Value::Atom(self.index_atom(i)),
        };
        self.stack[n - 2] = key;
        let text = match key {
            Value::Symbol(s) => match self.heap.symbol_description(s) {
                Some(d) => format!("[{d}]"),
                None => String::new(),
            },
            _ => self.heap.str(key).unwrap_or("").to_string(),
        };
        let text = match prefix {
            1 => format!("get {text}"),
            2 => format!("set {text}"),
            _ => text,
        };
        if let Value::Obj(o) = f {
            let name = self.heap.alloc_str(&text)?;
            self.define_with(o, self.atoms.name, name, attrs::HIDDEN | attrs::READONLY)?;
        }
        Ok(())
    }
}
