//! The response writers scripts call besides `status` and `header`:
//! `cookie` and `html`.

use super::host::{string_arg, with_host};
use vm::builtins::arg;
use vm::error::Interrupt;
use vm::state::{Args, Vm};
use vm::value::Value;

/// `cookie(name)` reads a request cookie; `cookie(name, value, opts)` sets one.
pub(crate) fn cookie(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let name = string_arg(vm, a, 0)?;
    if matches!(arg(vm, a, 1), Value::Undefined) {
        let jar = with_host(vm, |_, h| {
            h.request
                .headers()
                .as_slice()
                .iter()
                .filter(|(k, _)| k == "cookie")
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        })?;
        for line in jar {
            for pair in line.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    if k == name {
                        return Ok(vm.heap.alloc_str(v)?);
                    }
                }
            }
        }
        return Ok(Value::Undefined);
    }
    let mut set = super::cookie::SetCookie {
        name,
        value: string_arg(vm, a, 1)?,
        ..Default::default()
    };
    if let Value::Obj(opts) = arg(vm, a, 2) {
        let get = |vm: &mut Vm, key: &str| -> Result<Value, Interrupt> {
            let k = vm.heap.intern(key);
            vm.get_field(Value::Obj(opts), k)
        };
        let text = |vm: &mut Vm, key: &str| -> Result<Option<String>, Interrupt> {
            let v = get(vm, key)?;
            if v.is_nullish() {
                return Ok(None);
            }
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            Ok(Some(s))
        };
        let number = |vm: &mut Vm, key: &str| -> Result<Option<f64>, Interrupt> {
            let v = get(vm, key)?;
            if v.is_nullish() {
                return Ok(None);
            }
            // A Date gives its time value; junk gives NaN, which `line` refuses.
            Ok(Some(vm.to_number(v)?))
        };
        set.path = text(vm, "path")?;
        set.domain = text(vm, "domain")?;
        set.same_site = text(vm, "sameSite")?;
        set.max_age = number(vm, "maxAge")?;
        set.expires = number(vm, "expires")?;
        let v = get(vm, "httpOnly")?;
        set.http_only = vm.truthy(v);
        let v = get(vm, "secure")?;
        set.secure = vm.truthy(v);
    }
    let line = set.line().map_err(|e| vm.type_error(e))?;
    // Through the one check every script header passes, like the others.
    let added = with_host(vm, |_, h| h.response.add_header("Set-Cookie".into(), line))?;
    added.map_err(|e| vm.type_error(e))?;
    Ok(Value::Undefined)
}

/// `html(template, data)`: `{{name}}` replaced by HTML-escaped values.
pub(crate) fn html(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let template = string_arg(vm, a, 0)?;
    let data = arg(vm, a, 1);
    let mut out = String::with_capacity(template.len());
    let mut rest = template.as_str();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let key = rest[start + 2..start + end].trim();
        let mut v = data;
        for part in key.split('.') {
            if v.is_nullish() {
                break;
            }
            let k = vm.heap.intern(part);
            v = vm.get_field(v, k)?;
        }
        if !v.is_nullish() {
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    c => out.push(c),
                }
            }
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    with_host(vm, |_, h| {
        h.response.content_type = Some("text/html; charset=utf-8".into())
    })?;
    Ok(vm.heap.alloc_str(&out)?)
}
