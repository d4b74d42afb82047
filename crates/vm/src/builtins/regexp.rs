//! `RegExp`: the constructor, the prototype's accessors (`flags`, `source`,
//! `global`…), `exec`, `test`, `toString`, and the methods String's
//! delegate to (`[Symbol.match]`, `[Symbol.matchAll]`, `[Symbol.replace]`,
//! `[Symbol.search]`, `[Symbol.split]`) with %RegExpStringIteratorPrototype%.
//! Each follows ECMA-262 22.2.6 through observable reads (`exec`, `flags`,
//! `lastIndex`, the result's `0`, `index`, `groups`), so a subclass or an
//! object that only looks like a RegExp works; a RegExp as the realm made
//! it (`Vm::plain_regexp`) goes straight to the matcher. What a RegExp is
//! made of: vm/regexp.rs.

use super::iterator::iterator_prototype;
use super::{arg, constructor, getter, method, native};
use crate::error::Interrupt;
use crate::heap::Class;
use crate::property::utf16_len;
use crate::regexp::to_length;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// The flag getters in the order `flags` reads them, with their letters.
const FLAG_NAMES: [(&str, char); 8] = [
    ("hasIndices", 'd'),
    ("global", 'g'),
    ("ignoreCase", 'i'),
    ("multiline", 'm'),
    ("dotAll", 's'),
    ("unicode", 'u'),
    ("unicodeSets", 'v'),
    ("sticky", 'y'),
];

pub fn install(vm: &mut Vm) {
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    vm.realm.regexp_proto = proto;
    let ctor = constructor(vm, "RegExp", 2, regexp_constructor, proto);
    vm.realm.regexp = ctor;
    super::species_getter(vm, ctor);

    let exec = native(vm, "exec", 1, exec);
    super::set(vm, proto, "exec", Value::Obj(exec));
    vm.realm.regexp_exec = exec;
    method(vm, proto, "test", 1, test);
    method(vm, proto, "toString", 0, to_string);
    getter(vm, proto, "get flags", flags_getter);
    getter(vm, proto, "get source", source_getter);
    getter(vm, proto, "get hasIndices", flag_getter::<0>);
    getter(vm, proto, "get global", flag_getter::<1>);
    getter(vm, proto, "get ignoreCase", flag_getter::<2>);
    getter(vm, proto, "get multiline", flag_getter::<3>);
    getter(vm, proto, "get dotAll", flag_getter::<4>);
    getter(vm, proto, "get unicode", flag_getter::<5>);
    getter(vm, proto, "get sticky", flag_getter::<7>);
    let symbols = &vm.atoms.symbols;
    for (key, name, arity, f) in [
        (
            symbols.match_,
            "[Symbol.match]",
            1,
            symbol_match as crate::state::NativeFn,
        ),
        (symbols.match_all, "[Symbol.matchAll]", 1, symbol_match_all),
        (symbols.replace, "[Symbol.replace]", 2, symbol_replace),
        (symbols.search, "[Symbol.search]", 1, symbol_search),
        (symbols.split, "[Symbol.split]", 2, symbol_split),
    ] {
        let f = native(vm, name, arity, f);
        vm.define_own(proto, key, Value::Obj(f))
            .expect("the realm is made within its budget");
    }
    let (iter_proto, _) = iterator_prototype(vm, "RegExp String Iterator", string_iterator_next);
    vm.realm.regexp_string_iterator_proto = iter_proto;
}

fn this_object(vm: &Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) => Ok(o),
        _ => Err(vm.type_error(format!("RegExp.prototype.{method} called on a non-object"))),
    }
}

fn get(vm: &mut Vm, o: ObjId, name: &str) -> Result<Value, Interrupt> {
    let key = vm.heap.intern(name);
    vm.get_field(Value::Obj(o), key)
}

fn to_str(vm: &mut Vm, v: Value) -> Result<Value, Interrupt> {
    vm.to_string_value(v)
}

fn text(vm: &Vm, s: Value) -> &str {
    vm.heap.str(s).unwrap_or("")
}

/// IsRegExp: an object whose `Symbol.match` is truthy, or (when it is
/// undefined) a RegExp.
pub(crate) fn is_regexp(vm: &mut Vm, v: Value) -> Result<bool, Interrupt> {
    let Value::Obj(_) = v else {
        return Ok(false);
    };
    let m = vm.get_field(v, vm.atoms.symbols.match_)?;
    if !matches!(m, Value::Undefined) {
        return Ok(vm.truthy(m));
    }
    Ok(vm.regexp_of(v).is_some())
}

/// `RegExp(pattern, flags)` and `new RegExp(pattern, flags)`.
fn regexp_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let constructing = vm.constructing;
    let (pattern, flags) = (arg(vm, a, 0), arg(vm, a, 1));
    let pattern_is_regexp = is_regexp(vm, pattern)?;
    if !constructing && pattern_is_regexp && matches!(flags, Value::Undefined) {
        let c = vm.get_field(pattern, vm.atoms.constructor)?;
        if matches!(c, Value::Obj(c) if c == vm.realm.regexp) {
            return Ok(pattern);
        }
    }
    let (p, f) = if let Some((_, i)) = vm.regexp_of(pattern) {
        let source = vm.compiled(i).source;
        let f = if matches!(flags, Value::Undefined) {
            let text = vm.compiled(i).regex.flags.text();
            vm.heap.alloc_str(&text)?
        } else {
            flags
        };
        (source, f)
    } else if pattern_is_regexp {
        let key = vm.heap.intern("source");
        let source = vm.get_field(pattern, key)?;
        let f = if matches!(flags, Value::Undefined) {
            let key = vm.heap.intern("flags");
            vm.get_field(pattern, key)?
        } else {
            flags
        };
        (source, f)
    } else {
        (pattern, flags)
    };
    // RegExpAlloc: the object `new` made (a subclass's), or a new one.
    let o = match this {
        Value::Obj(o) if constructing && vm.heap.obj(o).class == Class::Object => o,
        _ => vm.heap.alloc(Class::Object, Some(vm.realm.regexp_proto))?,
    };
    let p = if matches!(p, Value::Undefined) {
        Value::Atom(vm.atoms.empty)
    } else {
        to_str(vm, p)?
    };
    let f = if matches!(f, Value::Undefined) {
        Value::Atom(vm.atoms.empty)
    } else {
        to_str(vm, f)?
    };
    let index = vm.compile_regexp(p, f)?;
    vm.init_regexp(o, index)?;
    Ok(Value::Obj(o))
}

/// RegExpCreate(pattern, flags) for String's methods: `new RegExp`.
fn regexp_create(vm: &mut Vm, pattern: Value, flags: &str) -> Result<ObjId, Interrupt> {
    let p = if matches!(pattern, Value::Undefined) {
        Value::Atom(vm.atoms.empty)
    } else {
        to_str(vm, pattern)?
    };
    let f = vm.heap.alloc_str(flags)?;
    let index = vm.compile_regexp(p, f)?;
    let Value::Obj(o) = vm.new_regexp(index)? else {
        unreachable!()
    };
    Ok(o)
}

fn exec(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let Some((o, i)) = vm.regexp_of(this) else {
        return Err(vm.type_error("RegExp.prototype.exec called on an object that is not a RegExp"));
    };
    let s = to_str(vm, arg(vm, a, 0))?;
    vm.regexp_builtin_exec(o, i, s)
}

/// RegExpExec(R, S): `R.exec(S)` when it has an `exec` of its own (or its
/// prototype's is not the built-in one), else the built-in matcher.
pub(crate) fn regexp_exec(vm: &mut Vm, r: ObjId, s: Value) -> Result<Value, Interrupt> {
    if let Some((o, i)) = vm.regexp_of(Value::Obj(r))
        && vm.plain_regexp(o)
    {
        return vm.regexp_builtin_exec(o, i, s);
    }
    let f = get(vm, r, "exec")?;
    if vm.is_callable(f) {
        if let (Value::Obj(e), Some((o, i))) = (f, vm.regexp_of(Value::Obj(r)))
            && e == vm.realm.regexp_exec
        {
            return vm.regexp_builtin_exec(o, i, s);
        }
        let result = vm.call_function(f, Value::Obj(r), &[s])?;
        return match result {
            Value::Obj(_) | Value::Null => Ok(result),
            _ => Err(vm.type_error("a RegExp's exec method must return an object or null")),
        };
    }
    match vm.regexp_of(Value::Obj(r)) {
        Some((o, i)) => vm.regexp_builtin_exec(o, i, s),
        None => Err(vm.type_error("RegExp method called on an object that is not a RegExp")),
    }
}

fn test(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let r = this_object(vm, this, "test")?;
    let s = to_str(vm, arg(vm, a, 0))?;
    if let Some((o, i)) = vm.regexp_of(this)
        && vm.plain_regexp(o)
    {
        // No match array is observable here: just match.
        return Ok(Value::Bool(vm.regexp_step(o, i, s)?.is_some()));
    }
    Ok(Value::Bool(!matches!(regexp_exec(vm, r, s)?, Value::Null)))
}

fn to_string(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let r = this_object(vm, this, "toString")?;
    let source = get(vm, r, "source")?;
    let source = to_str(vm, source)?;
    let flags = get(vm, r, "flags")?;
    let flags = to_str(vm, flags)?;
    let out = format!("/{}/{}", text(vm, source), text(vm, flags));
    Ok(vm.heap.alloc_str(&out)?)
}

fn flags_getter(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let r = this_object(vm, this, "flags")?;
    if let Some((o, i)) = vm.regexp_of(this)
        && vm.plain_regexp(o)
    {
        let text = vm.compiled(i).regex.flags.text();
        return Ok(vm.heap.alloc_str(&text)?);
    }
    let mut out = String::new();
    for (name, letter) in FLAG_NAMES {
        let v = get(vm, r, name)?;
        if vm.truthy(v) {
            out.push(letter);
        }
    }
    Ok(vm.heap.alloc_str(&out)?)
}

/// `get global` and its kin; `F` indexes `FLAG_NAMES`.
fn flag_getter<const F: usize>(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let name = FLAG_NAMES[F].0;
    let Value::Obj(o) = this else {
        return Err(vm.type_error(format!(
            "RegExp.prototype.{name} getter called on a non-object"
        )));
    };
    let Some((_, i)) = vm.regexp_of(this) else {
        if o == vm.realm.regexp_proto {
            return Ok(Value::Undefined);
        }
        return Err(vm.type_error(format!(
            "RegExp.prototype.{name} getter called on an object that is not a RegExp"
        )));
    };
    let f = vm.compiled(i).regex.flags;
    Ok(Value::Bool(match F {
        0 => f.has_indices,
        1 => f.global,
        2 => f.ignore_case,
        3 => f.multiline,
        4 => f.dot_all,
        5 => f.unicode,
        _ => f.sticky,
    }))
}

fn source_getter(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let Value::Obj(o) = this else {
        return Err(vm.type_error("RegExp.prototype.source getter called on a non-object"));
    };
    let Some((_, i)) = vm.regexp_of(this) else {
        if o == vm.realm.regexp_proto {
            return Ok(Value::Atom(vm.heap.intern("(?:)")));
        }
        return Err(vm.type_error(
            "RegExp.prototype.source getter called on an object that is not a RegExp",
        ));
    };
    let source = vm.compiled(i).source;
    let escaped = escape_pattern(text(vm, source));
    Ok(vm.heap.alloc_str(&escaped)?)
}

/// EscapeRegExpPattern: the source as it can stand between two slashes.
fn escape_pattern(p: &str) -> String {
    if p.is_empty() {
        return "(?:)".to_string();
    }
    let mut out = String::with_capacity(p.len());
    let (mut in_class, mut escaped) = (false, false);
    for c in p.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            '/' if !escaped && !in_class => out.push_str("\\/"),
            _ => out.push(c),
        }
        if !escaped {
            match c {
                '[' => in_class = true,
                ']' => in_class = false,
                _ => {}
            }
        }
        escaped = !escaped && c == '\\';
    }
    out
}

/// The flags `rx` reports (`ToString(rx.flags)`), as text.
fn flags_of(vm: &mut Vm, rx: ObjId) -> Result<String, Interrupt> {
    let f = get(vm, rx, "flags")?;
    let f = to_str(vm, f)?;
    Ok(text(vm, f).to_string())
}

fn last_index(vm: &mut Vm, rx: ObjId) -> Result<usize, Interrupt> {
    let v = vm.get_field(Value::Obj(rx), vm.atoms.last_index)?;
    Ok(to_length(vm.to_number(v)?))
}

fn set_last_index(vm: &mut Vm, rx: ObjId, i: usize) -> Result<(), Interrupt> {
    vm.set_field(Value::Obj(rx), vm.atoms.last_index, Value::Num(i as f64))
}

/// After an empty match of a global pattern: move `lastIndex` on.
fn step_over_empty(vm: &mut Vm, rx: ObjId, s: Value, unicode: bool) -> Result<(), Interrupt> {
    let i = last_index(vm, rx)?;
    let next = vm.advance_index(s, i, unicode);
    set_last_index(vm, rx, next)
}

/// `ToString(result[0])`.
fn matched_text(vm: &mut Vm, result: Value) -> Result<Value, Interrupt> {
    let m = vm.get_index(result, Value::Num(0.0))?;
    to_str(vm, m)
}

fn symbol_match(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let rx = this_object(vm, this, "[Symbol.match]")?;
    let s = to_str(vm, arg(vm, a, 0))?;
    let flags = flags_of(vm, rx)?;
    if !flags.contains('g') {
        return regexp_exec(vm, rx, s);
    }
    let unicode = flags.contains('u') || flags.contains('v');
    set_last_index(vm, rx, 0)?;
    let mut found = Vec::new();
    loop {
        let result = regexp_exec(vm, rx, s)?;
        if matches!(result, Value::Null) {
            return if found.is_empty() {
                Ok(Value::Null)
            } else {
                vm.new_array(&found)
            };
        }
        let m = matched_text(vm, result)?;
        if text(vm, m).is_empty() {
            step_over_empty(vm, rx, s, unicode)?;
        }
        found.push(m);
    }
}

fn symbol_search(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let rx = this_object(vm, this, "[Symbol.search]")?;
    let s = to_str(vm, arg(vm, a, 0))?;
    let key = vm.atoms.last_index;
    let previous = vm.get_field(Value::Obj(rx), key)?;
    if !vm.same_value(previous, Value::Num(0.0)) {
        vm.set_field(Value::Obj(rx), key, Value::Num(0.0))?;
    }
    let result = regexp_exec(vm, rx, s)?;
    let current = vm.get_field(Value::Obj(rx), key)?;
    if !vm.same_value(current, previous) {
        vm.set_field(Value::Obj(rx), key, previous)?;
    }
    if matches!(result, Value::Null) {
        return Ok(Value::Num(-1.0));
    }
    vm.get_field(result, vm.atoms.index)
}

fn symbol_match_all(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let rx = this_object(vm, this, "[Symbol.matchAll]")?;
    let s = to_str(vm, arg(vm, a, 0))?;
    let c = super::species_constructor(vm, rx, vm.realm.regexp)?;
    let flags = flags_of(vm, rx)?;
    let f = vm.heap.alloc_str(&flags)?;
    let matcher = vm.construct(c, &[Value::Obj(rx), f])?;
    let li = last_index(vm, rx)?;
    let Value::Obj(m) = matcher else {
        return Err(vm.type_error("the RegExp species constructor did not make an object"));
    };
    set_last_index(vm, m, li)?;
    let it = vm.heap.alloc(
        Class::RegExpIter {
            global: flags.contains('g'),
            unicode: flags.contains('u') || flags.contains('v'),
        },
        Some(vm.realm.regexp_string_iterator_proto),
    )?;
    vm.heap.obj_mut(it).elems.extend_from_slice(&[matcher, s]);
    Ok(Value::Obj(it))
}

/// %RegExpStringIteratorPrototype%.next.
fn string_iterator_next(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    vm.refuse_state(this, "step an iterator a module's top level made")?;
    let found = this.as_obj().and_then(|it| match vm.heap.obj(it).class {
        Class::RegExpIter { global, unicode } => Some((it, global, unicode)),
        _ => None,
    });
    let Some((it, global, unicode)) = found else {
        return Err(vm.type_error("next called on an object that is not a RegExp String Iterator"));
    };
    let (Value::Obj(rx), s) = (vm.heap.obj(it).elems[0], vm.heap.obj(it).elems[1]) else {
        return vm.iter_result(Value::Undefined, true);
    };
    let result = regexp_exec(vm, rx, s)?;
    if matches!(result, Value::Null) {
        vm.heap.obj_mut(it).elems[0] = Value::Undefined;
        return vm.iter_result(Value::Undefined, true);
    }
    if global {
        let m = matched_text(vm, result)?;
        if text(vm, m).is_empty() {
            step_over_empty(vm, rx, s, unicode)?;
        }
    } else {
        vm.heap.obj_mut(it).elems[0] = Value::Undefined;
    }
    vm.iter_result(result, false)
}

fn units_of(vm: &Vm, s: Value) -> Vec<u16> {
    text(vm, s).encode_utf16().collect()
}

fn symbol_replace(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let rx = this_object(vm, this, "[Symbol.replace]")?;
    let s = to_str(vm, arg(vm, a, 0))?;
    let mut replace_value = arg(vm, a, 1);
    let functional = vm.is_callable(replace_value);
    if !functional {
        replace_value = to_str(vm, replace_value)?;
    }
    let flags = flags_of(vm, rx)?;
    let global = flags.contains('g');
    let unicode = flags.contains('u') || flags.contains('v');
    if global {
        set_last_index(vm, rx, 0)?;
    }
    let mut results = Vec::new();
    loop {
        let result = regexp_exec(vm, rx, s)?;
        if matches!(result, Value::Null) {
            break;
        }
        results.push(result);
        if !global {
            break;
        }
        let m = matched_text(vm, result)?;
        if text(vm, m).is_empty() {
            step_over_empty(vm, rx, s, unicode)?;
        }
    }
    let su = units_of(vm, s);
    let template: Vec<u16> = if functional {
        Vec::new()
    } else {
        units_of(vm, replace_value)
    };
    let mut out: Vec<u16> = Vec::with_capacity(su.len());
    let mut next = 0;
    {
        for &result in &results {
            let len = vm.get_field(result, vm.atoms.length)?;
            let n = to_length(vm.to_number(len)?);
            let captures_n = n.saturating_sub(1);
            let matched = matched_text(vm, result)?;
            let matched_units = units_of(vm, matched);
            let position = vm.get_field(result, vm.atoms.index)?;
            let position = vm.to_number(position)?;
            let position = if position.is_nan() {
                0.0
            } else {
                position.trunc()
            };
            let position = position.clamp(0.0, su.len() as f64) as usize;
            let mut captures = Vec::with_capacity(captures_n);
            for k in 1..=captures_n {
                let c = vm.get_index(result, Value::Num(k as f64))?;
                captures.push(if matches!(c, Value::Undefined) {
                    c
                } else {
                    to_str(vm, c)?
                });
            }
            let named = vm.get_field(result, vm.atoms.groups)?;
            let replacement: Vec<u16> = if functional {
                let mut args = Vec::with_capacity(captures.len() + 4);
                args.push(matched);
                args.extend_from_slice(&captures);
                args.push(Value::Num(position as f64));
                args.push(s);
                if !matches!(named, Value::Undefined) {
                    args.push(named);
                }
                let v = vm.call_function(replace_value, Value::Undefined, &args)?;
                let v = to_str(vm, v)?;
                units_of(vm, v)
            } else {
                let named = if matches!(named, Value::Undefined) {
                    named
                } else {
                    Value::Obj(vm.to_object(named)?)
                };
                get_substitution(
                    vm,
                    &matched_units,
                    &su,
                    position,
                    &captures,
                    named,
                    &template,
                )?
            };
            if position >= next {
                out.extend_from_slice(&su[next..position]);
                out.extend_from_slice(&replacement);
                next = position + matched_units.len();
            }
        }
    }
    if next < su.len() {
        out.extend_from_slice(&su[next..]);
    }
    Ok(vm.heap.alloc_str(&String::from_utf16_lossy(&out))?)
}

/// GetSubstitution (ECMA-262 22.1.3.19.1): `template` with `$$`, `$&`,
/// `` $` ``, `$'`, `$n`, `$nn` and `$<name>` replaced.
pub(crate) fn get_substitution(
    vm: &mut Vm,
    matched: &[u16],
    s: &[u16],
    position: usize,
    captures: &[Value],
    named: Value,
    template: &[u16],
) -> Result<Vec<u16>, Interrupt> {
    let dollar = '$' as u16;
    let mut out = Vec::with_capacity(template.len());
    let mut i = 0;
    let digit = |u: Option<&u16>| u.and_then(|&u| char::from_u32(u as u32)?.to_digit(10));
    while i < template.len() {
        let c = template[i];
        if c != dollar || i + 1 >= template.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let next = template[i + 1];
        match char::from_u32(next as u32) {
            Some('$') => {
                out.push(dollar);
                i += 2;
            }
            Some('&') => {
                out.extend_from_slice(matched);
                i += 2;
            }
            Some('`') => {
                out.extend_from_slice(&s[..position.min(s.len())]);
                i += 2;
            }
            Some('\'') => {
                let tail = (position + matched.len()).min(s.len());
                out.extend_from_slice(&s[tail..]);
                i += 2;
            }
            Some('0'..='9') => {
                let d1 = digit(template.get(i + 1)).unwrap() as usize;
                let (mut index, mut count) = (d1, 1);
                if let Some(d2) = digit(template.get(i + 2)) {
                    let two = d1 * 10 + d2 as usize;
                    if two <= captures.len() {
                        index = two;
                        count = 2;
                    }
                }
                if (1..=captures.len()).contains(&index) {
                    let c = captures[index - 1];
                    if !matches!(c, Value::Undefined) {
                        out.extend(text(vm, c).encode_utf16());
                    }
                } else {
                    out.extend_from_slice(&template[i..i + 1 + count]);
                }
                i += 1 + count;
            }
            Some('<') => {
                let close = template[i + 2..].iter().position(|&u| u == '>' as u16);
                match close {
                    Some(k) if !matches!(named, Value::Undefined) => {
                        let name = String::from_utf16_lossy(&template[i + 2..i + 2 + k]);
                        let key = vm.heap.intern(&name);
                        let v = vm.get_field(named, key)?;
                        if !matches!(v, Value::Undefined) {
                            let v = to_str(vm, v)?;
                            out.extend(text(vm, v).encode_utf16());
                        }
                        i += 3 + k;
                    }
                    _ => {
                        out.extend_from_slice(&template[i..i + 2]);
                        i += 2;
                    }
                }
            }
            _ => {
                out.push(dollar);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn symbol_split(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let rx = this_object(vm, this, "[Symbol.split]")?;
    let s = to_str(vm, arg(vm, a, 0))?;
    let c = super::species_constructor(vm, rx, vm.realm.regexp)?;
    let flags = flags_of(vm, rx)?;
    let unicode = flags.contains('u') || flags.contains('v');
    let new_flags = if flags.contains('y') {
        flags.clone()
    } else {
        format!("{flags}y")
    };
    let nf = vm.heap.alloc_str(&new_flags)?;
    let splitter = vm.construct(c, &[Value::Obj(rx), nf])?;
    let Value::Obj(splitter) = splitter else {
        return Err(vm.type_error("the RegExp species constructor did not make an object"));
    };
    split_with(vm, splitter, s, arg(vm, a, 1), unicode)
}

fn split_with(
    vm: &mut Vm,
    splitter: ObjId,
    s: Value,
    limit: Value,
    unicode: bool,
) -> Result<Value, Interrupt> {
    let lim = match limit {
        Value::Undefined => u32::MAX as usize,
        v => crate::number::to_uint32(vm.to_number(v)?) as usize,
    };
    let mut parts = Vec::new();
    if lim == 0 {
        return vm.new_array(&parts);
    }
    let size = utf16_len(text(vm, s));
    if size == 0 {
        let z = regexp_exec(vm, splitter, s)?;
        if !matches!(z, Value::Null) {
            return vm.new_array(&parts);
        }
        return vm.new_array(&[s]);
    }
    let (mut p, mut q) = (0, 0);
    if let Some((o, index)) = vm.regexp_of(Value::Obj(splitter))
        && vm.plain_regexp(o)
    {
        // The splitter is ours alone: instead of a sticky match at each
        // position in turn, scan to the first position one succeeds at.
        while q < size && vm.regex_search_with(index, s, q, true)? {
            let (a, e) = vm.match_range(0).unwrap();
            if a >= size {
                break;
            }
            let e = e.min(size);
            if e == p {
                q = vm.advance_index(s, a, unicode);
                continue;
            }
            let groups: Vec<Option<(usize, usize)>> = (1..=vm.compiled(index).regex.groups
                as usize)
                .map(|k| vm.match_range(k))
                .collect();
            let t = vm.units_slice(s, p, a)?;
            parts.push(t);
            if parts.len() == lim {
                return vm.new_array(&parts);
            }
            for g in groups {
                let v = match g {
                    Some((x, y)) => vm.units_slice(s, x, y)?,
                    None => Value::Undefined,
                };
                parts.push(v);
                if parts.len() == lim {
                    return vm.new_array(&parts);
                }
            }
            p = e;
            q = p;
        }
        let t = vm.units_slice(s, p, size)?;
        parts.push(t);
        return vm.new_array(&parts);
    }
    while q < size {
        set_last_index(vm, splitter, q)?;
        let z = regexp_exec(vm, splitter, s)?;
        if matches!(z, Value::Null) {
            q = vm.advance_index(s, q, unicode);
            continue;
        }
        let e = last_index(vm, splitter)?.min(size);
        if e == p {
            q = vm.advance_index(s, q, unicode);
            continue;
        }
        let t = vm.units_slice(s, p, q)?;
        parts.push(t);
        if parts.len() == lim {
            return vm.new_array(&parts);
        }
        p = e;
        let len = vm.get_field(z, vm.atoms.length)?;
        let n = to_length(vm.to_number(len)?).saturating_sub(1);
        for k in 1..=n {
            let v = vm.get_index(z, Value::Num(k as f64))?;
            parts.push(v);
            if parts.len() == lim {
                return vm.new_array(&parts);
            }
        }
        q = p;
    }
    let t = vm.units_slice(s, p, size)?;
    parts.push(t);
    vm.new_array(&parts)
}

/// `RegExpCreate(pattern, flags)` then `rx[key](s)`: String's methods
/// when their argument is not an object with a method for `key`.
pub(crate) fn invoke_created(
    vm: &mut Vm,
    pattern: Value,
    flags: &str,
    key: crate::value::Atom,
    s: Value,
) -> Result<Value, Interrupt> {
    let rx = regexp_create(vm, pattern, flags)?;
    let f = vm.get_field(Value::Obj(rx), key)?;
    vm.call_function(f, Value::Obj(rx), &[s])
}
