//! String's methods that take a pattern: `match`, `matchAll`, `replace`,
//! `replaceAll`, `search`, `split`. An object argument with a method under
//! the matching well-known symbol (a RegExp, or anything that defines one)
//! does the work (ECMA-262 22.1.3); otherwise a string pattern is searched
//! for here, or (`match`, `matchAll`, `search`) made into a RegExp.

use super::regexp::{get_substitution, invoke_created, is_regexp};
use super::{arg, method};
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::{Atom, Value};

pub fn install(vm: &mut Vm) {
    let sp = vm.realm.string_proto;
    method(vm, sp, "match", 1, |vm, this, a| {
        by_regexp(vm, this, a, vm.atoms.symbols.match_, "match", "")
    });
    method(vm, sp, "search", 1, |vm, this, a| {
        by_regexp(vm, this, a, vm.atoms.symbols.search, "search", "")
    });
    method(vm, sp, "matchAll", 1, match_all);
    method(vm, sp, "replace", 2, |vm, this, a| {
        replace(vm, this, a, false)
    });
    method(vm, sp, "replaceAll", 2, |vm, this, a| {
        replace(vm, this, a, true)
    });
    method(vm, sp, "split", 2, split);
}

fn coercible(vm: &Vm, this: Value, name: &str) -> Result<(), Interrupt> {
    if this.is_nullish() {
        return Err(vm.type_error(format!(
            "String.prototype.{name} called on null or undefined"
        )));
    }
    Ok(())
}

/// When `v` is an object with a method under `key`: that method's result
/// for `args`.
fn delegate(vm: &mut Vm, v: Value, key: Atom, args: &[Value]) -> Result<Option<Value>, Interrupt> {
    let Value::Obj(_) = v else {
        return Ok(None);
    };
    let f = vm.get_field(v, key)?;
    if f.is_nullish() {
        return Ok(None);
    }
    if !vm.is_callable(f) {
        return Err(vm.type_error("a pattern's Symbol method is not a function"));
    }
    Ok(Some(vm.call_function(f, v, args)?))
}

/// `match` and `search`: the argument's method, or a new RegExp's.
fn by_regexp(
    vm: &mut Vm,
    this: Value,
    a: Args,
    key: Atom,
    name: &str,
    flags: &str,
) -> Result<Value, Interrupt> {
    coercible(vm, this, name)?;
    let pattern = arg(vm, a, 0);
    if let Some(r) = delegate(vm, pattern, key, &[this])? {
        return Ok(r);
    }
    let s = vm.to_string_value(this)?;
    invoke_created(vm, pattern, flags, key, s)
}

fn match_all(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    coercible(vm, this, "matchAll")?;
    let pattern = arg(vm, a, 0);
    require_global(vm, pattern, "matchAll")?;
    by_regexp(vm, this, a, vm.atoms.symbols.match_all, "matchAll", "g")
}

/// `matchAll` and `replaceAll` refuse a RegExp without the `g` flag.
fn require_global(vm: &mut Vm, pattern: Value, name: &str) -> Result<(), Interrupt> {
    if !is_regexp(vm, pattern)? {
        return Ok(());
    }
    let key = vm.heap.intern("flags");
    let flags = vm.get_field(pattern, key)?;
    if flags.is_nullish() {
        return Err(vm.type_error(format!(
            "String.prototype.{name}: the RegExp's flags are {}",
            if matches!(flags, Value::Null) {
                "null"
            } else {
                "undefined"
            }
        )));
    }
    let flags = vm.to_string_value(flags)?;
    if !vm.heap.str(flags).unwrap_or("").contains('g') {
        return Err(vm.type_error(format!(
            "String.prototype.{name} called with a non-global RegExp argument"
        )));
    }
    Ok(())
}

fn replace(vm: &mut Vm, this: Value, a: Args, all: bool) -> Result<Value, Interrupt> {
    let name = if all { "replaceAll" } else { "replace" };
    coercible(vm, this, name)?;
    let (search, with) = (arg(vm, a, 0), arg(vm, a, 1));
    if all && !search.is_nullish() {
        require_global(vm, search, name)?;
    }
    if let Some(r) = delegate(vm, search, vm.atoms.symbols.replace, &[this, with])? {
        return Ok(r);
    }
    let s = vm.to_string_value(this)?;
    let pat = vm.to_string_value(search)?;
    let functional = vm.is_callable(with);
    let with = if functional {
        with
    } else {
        vm.to_string_value(with)?
    };
    let text = vm.heap.str(s).unwrap_or("").to_string();
    let pat_text = vm.heap.str(pat).unwrap_or("").to_string();
    let template = if functional {
        String::new()
    } else {
        vm.heap.str(with).unwrap_or("").to_string()
    };
    // Where the pattern occurs, as byte offsets; an empty pattern occurs
    // between every two characters (docs/LANGUAGE.md: strings).
    let mut found = Vec::new();
    if pat_text.is_empty() {
        found.push(0);
        if all && !text.is_empty() {
            found.extend(text.char_indices().skip(1).map(|(b, _)| b));
            found.push(text.len());
        }
    } else {
        // Built once, not per match: building a searcher per `find` costs
        // as much as the search on short gaps.
        let finder = memchr::memmem::Finder::new(pat_text.as_bytes());
        let mut from = 0;
        while let Some(i) = finder.find(&text.as_bytes()[from..]) {
            found.push(from + i);
            from += i + pat_text.len();
            if !all {
                break;
            }
        }
    }
    if found.is_empty() {
        return Ok(s);
    }
    let plain = !functional && !template.contains('$');
    // The string as UTF-16, for `$`…`` ` `` and `$'` and positions.
    let units: Vec<u16> = if plain {
        Vec::new()
    } else {
        text.encode_utf16().collect()
    };
    let pat_units: Vec<u16> = pat_text.encode_utf16().collect();
    let template_units: Vec<u16> = template.encode_utf16().collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    // UTF-16 position of byte offset `counted_to`, kept as we go.
    let (mut counted_to, mut position) = (0, 0);
    for &b in &found {
        out.push_str(&text[rest..b]);
        if plain {
            out.push_str(&template);
        } else {
            position += crate::property::utf16_len(&text[counted_to..b]);
            counted_to = b;
            if functional {
                let r = vm.call_function(
                    with,
                    Value::Undefined,
                    &[pat, Value::Num(position as f64), s],
                )?;
                vm.write_string(r, &mut out)?;
            } else {
                let piece = get_substitution(
                    vm,
                    &pat_units,
                    &units,
                    position,
                    &[],
                    Value::Undefined,
                    &template_units,
                )?;
                out.push_str(&String::from_utf16_lossy(&piece));
            }
        }
        rest = b + pat_text.len();
    }
    out.push_str(&text[rest..]);
    Ok(vm.heap.alloc_str(&out)?)
}

fn split(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    coercible(vm, this, "split")?;
    let (sep, limit) = (arg(vm, a, 0), arg(vm, a, 1));
    if let Some(r) = delegate(vm, sep, vm.atoms.symbols.split, &[this, limit])? {
        return Ok(r);
    }
    let s = vm.to_string_value(this)?;
    let limit = match limit {
        Value::Undefined => u32::MAX as usize,
        v => crate::number::to_uint32(vm.to_number(v)?) as usize,
    };
    let sep_text = if matches!(sep, Value::Undefined) {
        None
    } else {
        let v = vm.to_string_value(sep)?;
        Some(vm.heap.str(v).unwrap_or("").to_string())
    };
    let mut items = Vec::new();
    if limit == 0 {
        return vm.new_array(&items);
    }
    let text = vm.heap.str(s).unwrap_or("").to_string();
    match sep_text {
        None => items.push(s),
        Some(sep) if sep.is_empty() => {
            for c in text.chars().take(limit) {
                items.push(vm.char_value(c)?);
            }
        }
        Some(sep) => {
            for p in text.split(sep.as_str()).take(limit) {
                items.push(vm.heap.alloc_str(p)?);
            }
        }
    }
    vm.new_array(&items)
}
