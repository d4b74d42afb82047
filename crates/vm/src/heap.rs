//! The run's heap: objects, strings, cells and atoms, all addressed by index.
//!
//! It is an arena in the sense DESIGN.md means: everything a run creates dies
//! together at `reset`, with no collector and no reference counts. Unlike a
//! byte bump allocator it keeps typed slots, and `reset` keeps their buffers,
//! so a warmed-up run that creates the same shapes again allocates nothing
//! from the system. Objects created before `seal` (the built-ins) survive
//! every reset and are read-only to scripts. A long run may also reclaim
//! what it no longer reaches (collect.rs); its slots go on free lists here.

use super::atom_table::{AtomKind, AtomTable};
use super::attrs::{self, Attrs};
use super::value::{Atom, ObjId, StrSlice, Value};
use rustc_hash::FxHashMap;
use std::cell::Cell;

/// Strings up to this many bytes share one bump buffer; longer ones get a
/// buffer of their own, so appending to them (`s += x`) grows in place.
const SMALL_STRING: usize = 64;
/// Size of the shared buffer for small strings.
const SMALL_BUF: usize = 16 * 1024;
/// A reused slot keeps its buffers unless they grew past this many entries.
const KEEP_CAPACITY: usize = 4096;
/// What an object costs against the memory budget, before its contents.
pub const OBJ_COST: usize = 64;
/// What a property, element or cell costs against the memory budget.
pub const SLOT_COST: usize = 16;

/// Objects a run makes before its first collection (and the least between
/// two): a collection costs a pass over every slot, so it waits until that
/// pass frees enough to pay for itself.
const FIRST_COLLECTION: usize = 1 << 14;

/// A cell's or a string buffer's state for the collector.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mark {
    Unmarked,
    Marked,
    Free,
}

/// The run went over its memory budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

#[derive(Clone, Copy, Debug, Eq)]
pub enum Class {
    Object,
    /// An array whose elements are one dense vector in `elems`: every
    /// index below the length is present, with the attributes `elems_lock`
    /// gives them all.
    Array,
    /// An array the dense vector cannot express (holes, an element with
    /// attributes of its own or an accessor, a non-writable `length`, a
    /// length past the dense limit): its elements and `length` are ordinary
    /// properties in `props` (sparse_array.rs).
    SparseArray,
    /// A `Date`; `elems[0]` holds its time value (ms since the epoch, or NaN).
    Date,
    /// A closure over `Vm::funcs[i]`; `elems` holds its upvalue cells.
    Closure(u32),
    /// A built-in function, `Vm::natives[i]`.
    Native(u32),
    /// A `db()` query builder, `Vm::queries[i]`.
    Query(u32),
    Error,
    /// A `for…of` iterator over `elems[0]`, at position `pos`.
    ValueIter {
        pos: u32,
    },
    /// A `for…of` iterator following the protocol: `elems` holds the
    /// iterator object and its `next` method.
    StepIter,
    /// A `for…in` iterator over the keys in `elems`, at position `pos`.
    KeyIter {
        pos: u32,
    },
    /// An array iterator (`arr.values()`, `keys()`, `entries()`) over
    /// `elems[0]` (undefined once done), at index `pos`.
    ArrayIter {
        pos: u32,
        kind: IterKind,
    },
    /// A string iterator (`str[Symbol.iterator]()`) over `elems[0]`, at
    /// byte offset `pos`.
    StringIter {
        pos: u32,
    },
    /// A `RegExp`: its compiled pattern is `Vm::regexps.table[i]`
    /// (regexp.rs); `lastIndex` is its first property.
    RegExp(u32),
    /// An `ArrayBuffer` of `len` bytes, eight to an element of `elems`
    /// (typed_array.rs).
    ArrayBuffer {
        len: u32,
    },
    /// A typed array: `elems` holds its buffer, byte offset and length.
    TypedArray(crate::typed_array::ElementType),
    /// A `DataView`: `elems` holds its buffer, byte offset and byte length.
    DataView,
    /// `matchAll`'s iterator: `elems` holds the matcher (undefined once
    /// done) and the string.
    RegExpIter {
        global: bool,
        unicode: bool,
    },
    /// A module namespace object: its exports in `props` (name order, then
    /// `Symbol.toStringTag`), and in `elems`, at the same positions, the
    /// cell (or namespace) each reads from, so a read is always live.
    Namespace,
    /// A function's `arguments` object (an ordinary object otherwise).
    Arguments,
    /// A `Map`, `Set`, `WeakMap` or `WeakSet`: its entries in `elems`, its
    /// index `Vm::collections[index]` (collection.rs).
    Collection {
        index: u32,
        kind: crate::collection::CollectionKind,
    },
    /// A map or set iterator over the collection in `elems[0]` (undefined
    /// once done), at entry `pos`.
    CollectionIter {
        pos: u32,
        kind: IterKind,
    },
    /// A generator object, `Vm::generators[i]`; `elems` holds its parked
    /// stack segment (generator.rs).
    Generator(u32),
    /// A promise (promise.rs): `elems[0]` holds its value or reason, then
    /// its reactions while it is pending.
    Promise(crate::promise::PromiseState),
    /// An accessor property's functions: `elems` holds its getter and its
    /// setter (either may be undefined). Only ever a property's value.
    Accessor,
    /// A primitive's wrapper object (`new Number(1)`, `Object("s")`):
    /// `elems[0]` holds the boolean, number, string or symbol.
    Primitive,
    /// An object of the web platform's (`TextDecoder`, …): its internal
    /// slots in `elems`, as its kind's file says (builtins/web/).
    Web(WebKind),
}

/// The kinds of web-platform object (`Class::Web`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebKind {
    TextEncoder,
    /// `elems`: fatal, ignoreBOM, whether the BOM was looked for, then
    /// the bytes `stream: true` held back.
    TextDecoder,
    /// `elems`: its href, its `URLSearchParams`.
    Url,
    /// `elems`: the `URL` it belongs to (or undefined), then its names and
    /// values, alternating.
    SearchParams,
    /// `elems`: whether it is read-only, then its lowercased names and
    /// values, alternating.
    Headers,
    /// `elems`: method, url, headers, body, bodyUsed, redirect, signal.
    Request,
    /// `elems`: status, statusText, headers, body, bodyUsed, type, url,
    /// redirected.
    Response,
    /// `elems`: algorithm, hash, key bytes, extractable, usages.
    CryptoKey,
    /// `elems`: aborted, reason, timeout, onabort, listeners.
    AbortSignal,
    /// `elems`: its signal.
    AbortController,
    /// `elems`: its bytes (an `ArrayBuffer`), its type; a `File`'s name
    /// and lastModified after them.
    Blob,
    /// `elems`: its names and values (strings or `File`s), alternating.
    FormData,
    /// `elems`: see builtins/web/stream.rs.
    ReadableStream,
    /// `elems`: its stream.
    StreamController,
    /// `elems`: its stream, its pending reads, its `closed` promise.
    StreamReader,
    /// `elems`: its reader, preventCancel.
    StreamIterator,
}

/// `Class` equality, written out rather than derived: with this many kinds of payload the
/// derived comparison became a call (64 M instructions in the array
/// benchmark, where `class == Class::Array` is on every element's path);
/// inlined, a comparison with a payload-free class is one compare of the
/// discriminant.
impl PartialEq for Class {
    #[inline(always)]
    fn eq(&self, other: &Class) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && self.payload() == other.payload()
    }
}

impl Class {
    /// The payload as two numbers (what equality compares beyond the kind).
    #[inline(always)]
    fn payload(self) -> (u32, u32) {
        match self {
            Class::Object
            | Class::Array
            | Class::SparseArray
            | Class::Date
            | Class::Error
            | Class::StepIter
            | Class::DataView
            | Class::Arguments
            | Class::Accessor
            | Class::Namespace
            | Class::Primitive => (0, 0),
            Class::Closure(i)
            | Class::Native(i)
            | Class::Query(i)
            | Class::RegExp(i)
            | Class::Generator(i)
            | Class::ValueIter { pos: i }
            | Class::KeyIter { pos: i }
            | Class::StringIter { pos: i }
            | Class::ArrayBuffer { len: i } => (i, 0),
            Class::ArrayIter { pos, kind } | Class::CollectionIter { pos, kind } => {
                (pos, kind as u32)
            }
            Class::TypedArray(t) => (t as u32, 0),
            Class::RegExpIter { global, unicode } => (global as u32, unicode as u32),
            Class::Collection { index, kind } => (index, kind as u32),
            Class::Promise(s) => (s as u32, 0),
            Class::Web(k) => (k as u32, 0),
        }
    }
}

/// What an array iterator gives: values, indices, or `[index, value]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IterKind {
    Values,
    Keys,
    Entries,
}

/// How far array elements are locked (elements carry no attributes of
/// their own: the whole array's are these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ElemsLock {
    Open,
    /// Not deletable (`Object.seal`).
    Sealed,
    /// Not deletable nor writable (`Object.freeze`).
    Frozen,
}

/// `Obj::dropped`: the function's `name` was deleted.
pub const NAME_DROPPED: u8 = 1;
/// `Obj::dropped`: the function's `length` was deleted.
pub const LENGTH_DROPPED: u8 = 2;

#[derive(Clone, Debug)]
pub struct Obj {
    pub class: Class,
    pub proto: Option<ObjId>,
    /// Own properties in insertion order; linear search beats hashing at the
    /// sizes request handlers use.
    pub props: Vec<(Atom, Value)>,
    /// Array elements, closure upvalues or iterator state.
    pub elems: Vec<Value>,
    /// Each property's attributes (attrs.rs), parallel to `props`; empty
    /// while every property is a plain enumerable, writable data property.
    pub attrs: Vec<Attrs>,
    /// Some property is an accessor or read-only: the fast paths in
    /// property.rs, which read and overwrite `props` directly, step aside.
    pub special: bool,
    /// New properties (and array elements) may be added.
    pub extensible: bool,
    /// A built-in (made before `Heap::seal`): no property is enumerable.
    pub builtin: bool,
    /// A built-in this run has changed (`Heap::open_builtin`): its
    /// properties are no longer sorted, and `reset` puts it back.
    pub changed: bool,
    /// Which of a function's computed properties (`name`: `NAME_DROPPED`,
    /// `length`: `LENGTH_DROPPED`) were deleted: a function has them without
    /// storing them (property.rs makes them on read) until then.
    pub dropped: u8,
    /// What `Object.seal` / `Object.freeze` did to the array elements.
    pub elems_lock: ElemsLock,
    /// Reached by the collection in progress (collect.rs).
    pub(super) marked: bool,
    /// On the free list: a collection found it unreachable.
    pub(super) free: bool,
    /// Where each property is, once there are more than `INDEX_AT` (a
    /// script adding 100,000 keys to one object searched them all on each
    /// write: five seconds of a core on a budget of ten million
    /// instructions). An indexed object is `special`, so the inline
    /// linear searches in property.rs step aside for `find`; each property
    /// added past that size costs an index entry's worth of memory budget
    /// too (`Heap::prop_cost`).
    pub(super) index: Option<Box<FxHashMap<Atom, u32>>>,
}

/// Properties an object may have before `find` stops searching them in
/// order and keeps an index.
pub const INDEX_AT: usize = 64;

impl Obj {
    /// The attributes of property `i`.
    #[inline]
    pub fn attrs(&self, i: usize) -> Attrs {
        let builtin = if self.builtin {
            attrs::HIDDEN
        } else {
            attrs::PLAIN
        };
        self.attrs.get(i).copied().unwrap_or(attrs::PLAIN) | builtin
    }

    /// Whether property `i` shows in `for…in`, `Object.keys` and JSON.
    #[inline]
    pub fn enumerable(&self, i: usize) -> bool {
        self.attrs(i) & attrs::HIDDEN == 0
    }

    /// Sets property `i`'s attributes.
    pub fn set_attrs(&mut self, i: usize, a: Attrs) {
        if self.attrs.is_empty() {
            if a == attrs::PLAIN {
                return;
            }
            self.attrs.resize(self.props.len(), attrs::PLAIN);
        }
        self.attrs[i] = a;
        if a & (attrs::ACCESSOR | attrs::READONLY) != 0 {
            self.special = true;
        }
    }

    /// Appends a property (the caller has checked it is not there yet).
    pub fn push_prop(&mut self, k: Atom, v: Value, a: Attrs) {
        self.props.push((k, v));
        match &mut self.index {
            Some(index) => {
                index.insert(k, (self.props.len() - 1) as u32);
            }
            None if self.props.len() > INDEX_AT => self.reindex(),
            None => {}
        }
        if !self.attrs.is_empty() || a != attrs::PLAIN {
            self.attrs.resize(self.props.len() - 1, attrs::PLAIN);
            self.attrs.push(a);
            if a & (attrs::ACCESSOR | attrs::READONLY) != 0 {
                self.special = true;
            }
        }
    }

    /// Removes property `i`.
    pub fn remove_prop(&mut self, i: usize) {
        let (k, _) = self.props.remove(i);
        if !self.attrs.is_empty() {
            self.attrs.remove(i);
        }
        if let Some(index) = &mut self.index {
            // The properties after `i` moved down one place (callers
            // charge for them).
            index.remove(&k);
            for (j, &(p, _)) in self.props.iter().enumerate().skip(i) {
                index.insert(p, j as u32);
            }
        }
    }

    /// The index of own property `k`.
    #[inline]
    pub fn find(&self, k: Atom) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(&k).map(|&i| i as usize),
            None => self.props.iter().position(|(p, _)| *p == k),
        }
    }

    /// Builds the index anew after `props` changed wholesale (or drops it
    /// when there are few enough to search in order).
    #[cold]
    #[inline(never)]
    pub fn reindex(&mut self) {
        if self.props.len() <= INDEX_AT {
            self.index = None;
            return;
        }
        let index = self.index.get_or_insert_with(Default::default);
        index.clear();
        index.extend(
            self.props
                .iter()
                .enumerate()
                .map(|(i, &(k, _))| (k, i as u32)),
        );
        self.special = true;
    }
}

/// A cache slot no lookup has filled yet.
const EMPTY_LOOKUP: PermanentLookup = PermanentLookup {
    obj: u32::MAX,
    atom: 0,
    value: None,
};

/// Entries in the cache of lookups along built-in prototype chains.
const PERMANENT_CACHE: usize = 256;

/// One cached lookup: `atom` looked up from permanent object `obj` along its
/// (all permanent, read-only) prototype chain gave `value`.
#[derive(Clone, Copy)]
struct PermanentLookup {
    obj: u32,
    atom: Atom,
    value: Option<(Value, Attrs)>,
}

pub struct Heap {
    pub(super) objs: Vec<Obj>,
    /// Slots in use or on the free list; `objs` beyond are spare buffers.
    pub(super) live_objs: usize,
    pub(super) perm_objs: usize,
    /// The first object of the module state (`seal_state`): objects from
    /// here to `perm_objs` were made by modules' top levels, survive every
    /// reset like the built-ins, and refuse changes (`is_state`).
    state_objs: usize,
    /// Cells and string buffers below these survive `reset` (module state).
    pub(super) perm_cells: usize,
    pub(super) perm_bufs: usize,
    /// Slots a collection freed, taken before new ones.
    pub(super) free_objs: Vec<u32>,
    pub(super) bufs: Vec<String>,
    pub(super) live_bufs: usize,
    /// Per buffer in use: reached by a collection in progress, or free.
    pub(super) buf_marks: Vec<Mark>,
    /// Buffers a collection found no live string in, taken before new ones.
    pub(super) free_bufs: Vec<u32>,
    /// The buffer small strings are bumped into, if any yet.
    pub(super) small_buf: Option<u32>,
    pub(super) cells: Vec<Value>,
    /// Per cell, during and between collections (collect.rs).
    pub(super) cell_marks: Vec<Mark>,
    pub(super) free_cells: Vec<u32>,
    /// Objects made since the last collection (or reset) and how many make
    /// the next collection worth its cost.
    pub(super) made: usize,
    pub(super) next_collection: usize,
    /// The least `next_collection` is set to.
    pub(super) min_collection: usize,
    /// `used` right after the last collection (or reset): the budget's
    /// live part. Growth past it by as much again (at least
    /// `min_collection` objects' worth, at most half the room left) also
    /// calls for a collection, so string-heavy runs collect too.
    pub(super) live_bytes: usize,
    /// Objects marked but not yet scanned.
    pub(super) gray: Vec<u32>,
    atoms: AtomTable,
    /// `Symbol.for`'s symbols by key (made by a run, gone at `reset`).
    registry: FxHashMap<Box<str>, Atom>,
    /// Built-in prototypes never change after `seal`, so a method lookup
    /// (`arr.push`, `s.slice`) along them is cached, direct-mapped by object
    /// and atom: a hit replaces a binary search per prototype on the chain.
    perm_cache: Box<[Cell<PermanentLookup>]>,
    /// The built-ins this run has changed, as they were before (see
    /// `open_builtin`); `reset` puts them back.
    journal: Vec<(u32, Obj)>,
    /// Bytes charged to the current run.
    pub used: usize,
    /// Bytes ever charged, collected or not: the VM charges the
    /// instruction budget for them too (`Vm::settle_work`), since copying
    /// and building them is work no instruction counts.
    pub charged: u64,
    /// The current run's memory budget in bytes.
    pub limit: usize,
}

impl Heap {
    pub fn new(limit: usize) -> Heap {
        Heap {
            objs: Vec::new(),
            live_objs: 0,
            perm_objs: 0,
            state_objs: usize::MAX,
            perm_cells: 0,
            perm_bufs: 0,
            free_objs: Vec::new(),
            bufs: Vec::new(),
            live_bufs: 0,
            buf_marks: Vec::new(),
            free_bufs: Vec::new(),
            small_buf: None,
            cells: Vec::new(),
            cell_marks: Vec::new(),
            free_cells: Vec::new(),
            made: 0,
            next_collection: FIRST_COLLECTION,
            min_collection: FIRST_COLLECTION,
            live_bytes: 0,
            gray: Vec::new(),
            // Room for the realm's names (about 900), so making it never rehashes.
            atoms: AtomTable::with_capacity(1024),
            registry: FxHashMap::default(),
            perm_cache: (0..PERMANENT_CACHE)
                .map(|_| Cell::new(EMPTY_LOOKUP))
                .collect(),
            journal: Vec::new(),
            used: 0,
            charged: 0,
            limit,
        }
    }

    /// What one more property of `id` costs against the memory budget:
    /// a slot, and an index entry once the object keeps an index.
    #[inline]
    pub fn prop_cost(&self, id: ObjId) -> usize {
        if self.obj(id).props.len() >= INDEX_AT {
            2 * SLOT_COST
        } else {
            SLOT_COST
        }
    }

    #[inline]
    pub fn charge(&mut self, bytes: usize) -> Result<(), OutOfMemory> {
        self.used += bytes;
        self.charged += bytes as u64;
        if self.used > self.limit {
            Err(OutOfMemory)
        } else {
            Ok(())
        }
    }

    /// Makes everything allocated so far permanent (survives `reset`, read-only to scripts).
    pub fn seal(&mut self) {
        // Built-ins are looked up often (`arr.push`) and never enumerated, so
        // their properties are sorted for binary search.
        // Their properties are not enumerable, as the specification has it
        // for built-ins (`Obj::builtin`).
        for o in &mut self.objs[self.perm_objs..self.live_objs] {
            o.builtin = true;
            // Binary search replaces the index; `special` is again only
            // what the attributes make it.
            if o.index.take().is_some() {
                o.special = o
                    .attrs
                    .iter()
                    .any(|&a| a & (attrs::ACCESSOR | attrs::READONLY) != 0);
            }
            if o.attrs.is_empty() {
                o.props.sort_by_key(|&(k, _)| k);
                continue;
            }
            let mut both: Vec<((Atom, Value), Attrs)> = o
                .props
                .iter()
                .copied()
                .zip(o.attrs.iter().copied())
                .collect();
            both.sort_by_key(|&((k, _), _)| k);
            o.props = both.iter().map(|&(p, _)| p).collect();
            o.attrs = both.iter().map(|&(_, a)| a).collect();
        }
        self.perm_objs = self.live_objs;
        self.atoms.seal();
        for e in self.perm_cache.iter() {
            e.set(EMPTY_LOOKUP);
        }
        self.used = 0;
    }

    /// Makes what the modules' top levels made so far permanent: their
    /// objects, cells and strings survive every `reset` as the built-ins
    /// do, but keep their property order and enumerability, and refuse
    /// every change from then on (`is_state`, `is_state_cell`): requests
    /// share them, and a change would leak from one request into the next
    /// on this VM only. What the top levels changed in the built-ins
    /// (polyfills) stays changed.
    pub fn seal_state(&mut self) {
        // A changed built-in is no longer `builtin` (nor sorted), and is
        // searched in order from now on, as module state is.
        for (i, _) in std::mem::take(&mut self.journal) {
            self.objs[i as usize].changed = false;
        }
        if self.state_objs == usize::MAX {
            self.state_objs = self.perm_objs;
        }
        self.perm_objs = self.live_objs;
        self.free_objs.clear();
        self.perm_cells = self.cells.len();
        self.free_cells.clear();
        self.cell_marks.clear();
        // No string ends a permanent buffer, so none grows in place
        // (`append`): a byte no string holds closes each.
        for b in &mut self.bufs[self.perm_bufs..self.live_bufs] {
            b.push('\0');
        }
        self.perm_bufs = self.live_bufs;
        self.free_bufs.clear();
        self.buf_marks.clear();
        self.small_buf = None;
        self.atoms.seal();
        for e in self.perm_cache.iter() {
            e.set(EMPTY_LOOKUP);
        }
        self.used = 0;
    }

    /// Whether `id` is module state (see `seal_state`).
    #[inline]
    pub fn is_state(&self, id: ObjId) -> bool {
        (self.state_objs..self.perm_objs).contains(&(id.0 as usize))
    }

    /// Whether cell `c` is a module's binding (see `seal_state`).
    #[inline]
    pub fn is_state_cell(&self, c: u32) -> bool {
        (c as usize) < self.perm_cells
    }

    /// How many atoms survive `reset` (their ids never change meaning).
    pub fn permanent_atoms(&self) -> usize {
        self.atoms.permanent()
    }

    pub fn is_permanent(&self, id: ObjId) -> bool {
        (id.0 as usize) < self.perm_objs
    }

    /// Makes the built-in `id` changeable for the rest of this run: a
    /// script may change the realm (polyfills do), but the built-ins are
    /// shared by every run of this VM, so the first change journals the
    /// object as it was and `reset` puts it back — no run sees another's
    /// changes. The object's attributes become explicit and its properties
    /// stop being sorted (lookups search it linearly). Every change to a
    /// built-in also empties the lookup cache. Does nothing to the run's
    /// own objects.
    pub fn open_builtin(&mut self, id: ObjId) {
        let i = id.0 as usize;
        if i >= self.perm_objs {
            return;
        }
        for e in self.perm_cache.iter() {
            e.set(EMPTY_LOOKUP);
        }
        if self.objs[i].changed {
            return;
        }
        self.journal.push((id.0, self.objs[i].clone()));
        let o = &mut self.objs[i];
        o.attrs = (0..o.props.len()).map(|k| o.attrs(k)).collect();
        o.builtin = false;
        o.changed = true;
        o.special = true;
    }

    /// Finds own property `a` of a permanent object (a built-in's are
    /// sorted until a run changes it; module state's never are).
    #[inline]
    pub fn find_permanent(&self, o: &Obj, a: Atom) -> Option<usize> {
        if o.changed || !o.builtin {
            o.find(a)
        } else {
            o.props.binary_search_by_key(&a, |&(k, _)| k).ok()
        }
    }

    /// Ends a run: every object, string and cell it made is gone, and the
    /// built-ins it changed are as they were.
    pub fn reset(&mut self) {
        if !self.journal.is_empty() {
            while let Some((i, o)) = self.journal.pop() {
                self.objs[i as usize] = o;
            }
            for e in self.perm_cache.iter() {
                e.set(EMPTY_LOOKUP);
            }
        }
        self.live_objs = self.perm_objs;
        self.live_bufs = self.perm_bufs;
        self.buf_marks.clear();
        self.free_bufs.clear();
        self.small_buf = None;
        self.cells.truncate(self.perm_cells);
        if self.cells.capacity() > KEEP_CAPACITY * 16 + self.perm_cells {
            self.cells.shrink_to(KEEP_CAPACITY);
        }
        self.free_objs.clear();
        self.free_cells.clear();
        self.cell_marks.clear();
        self.made = 0;
        self.next_collection = self.min_collection;
        self.live_bytes = 0;
        if !self.registry.is_empty() {
            self.registry.clear();
        }
        self.atoms.reset();
        self.used = 0;
    }

    // ---- objects ----

    pub fn alloc(&mut self, class: Class, proto: Option<ObjId>) -> Result<ObjId, OutOfMemory> {
        self.charge(OBJ_COST)?;
        self.made += 1;
        let id = match self.free_objs.pop() {
            Some(id) => id as usize,
            None if self.live_objs < self.objs.len() => {
                self.live_objs += 1;
                self.live_objs - 1
            }
            None => {
                let id = self.live_objs;
                if id >= u32::MAX as usize {
                    return Err(OutOfMemory);
                }
                self.objs.push(Obj {
                    class,
                    proto,
                    props: Vec::new(),
                    elems: Vec::new(),
                    attrs: Vec::new(),
                    special: false,
                    extensible: true,
                    builtin: false,
                    changed: false,
                    dropped: 0,
                    elems_lock: ElemsLock::Open,
                    marked: false,
                    free: false,
                    index: None,
                });
                self.live_objs += 1;
                return Ok(ObjId(id as u32));
            }
        };
        let o = &mut self.objs[id];
        o.class = class;
        o.proto = proto;
        o.free = false;
        o.special = false;
        o.extensible = true;
        o.builtin = false;
        o.dropped = 0;
        o.elems_lock = ElemsLock::Open;
        o.attrs.clear();
        o.props.clear();
        o.index = None;
        o.elems.clear();
        if o.elems.capacity() > KEEP_CAPACITY {
            o.elems = Vec::new();
        }
        if o.props.capacity() > KEEP_CAPACITY {
            o.props = Vec::new();
        }
        Ok(ObjId(id as u32))
    }

    #[inline]
    pub fn obj(&self, id: ObjId) -> &Obj {
        let o = &self.objs[id.0 as usize];
        debug_assert!(!o.free, "object {} used after it was collected", id.0);
        o
    }

    #[inline]
    pub fn obj_mut(&mut self, id: ObjId) -> &mut Obj {
        let o = &mut self.objs[id.0 as usize];
        debug_assert!(!o.free, "object {} used after it was collected", id.0);
        o
    }

    /// Looks `a` up from the permanent object `id` along its prototype chain
    /// (permanent too: built-ins are made before anything a script makes).
    pub fn lookup_permanent(&self, id: ObjId, a: Atom) -> Option<(Value, Attrs)> {
        let h = id.0.wrapping_mul(0x9E37_79B1) ^ a.wrapping_mul(0x85EB_CA6B);
        let slot = &self.perm_cache[(h >> 8) as usize % PERMANENT_CACHE];
        let e = slot.get();
        if e.obj == id.0 && e.atom == a {
            return e.value;
        }
        let mut p = Some(id);
        let mut value = None;
        while let Some(id) = p {
            debug_assert!(self.is_permanent(id));
            let o = self.obj(id);
            // Built-ins keep their properties sorted (see `seal`).
            if let Some(i) = self.find_permanent(o, a) {
                value = Some((o.props[i].1, o.attrs(i)));
                break;
            }
            p = o.proto;
        }
        slot.set(PermanentLookup {
            obj: id.0,
            atom: a,
            value,
        });
        value
    }

    /// String buffers this run has taken (a reused one counts once).
    pub fn string_buffers(&self) -> usize {
        self.live_bufs
    }

    /// Objects alive now (built-ins included).
    pub fn live_objects(&self) -> usize {
        self.live_objs - self.free_objs.len()
    }

    // ---- cells ----

    pub fn new_cell(&mut self, v: Value) -> Result<u32, OutOfMemory> {
        self.charge(SLOT_COST)?;
        if let Some(c) = self.free_cells.pop() {
            self.cells[c as usize] = v;
            self.cell_marks[c as usize] = Mark::Unmarked;
            return Ok(c);
        }
        self.cells.push(v);
        Ok((self.cells.len() - 1) as u32)
    }

    #[inline]
    pub fn cell(&self, c: u32) -> Value {
        self.cells[c as usize]
    }

    #[inline]
    pub fn set_cell(&mut self, c: u32, v: Value) {
        self.cells[c as usize] = v;
    }

    // ---- atoms ----

    pub fn intern(&mut self, s: &str) -> Atom {
        self.atoms.intern(s)
    }

    /// A new symbol: an atom that no string maps to, so it is unique.
    pub fn new_symbol(&mut self, description: Option<&str>) -> Atom {
        self.atoms.new_symbol(description)
    }

    /// `Symbol.for(key)`: the run's one symbol for `key`.
    pub fn registered_symbol(&mut self, key: &str) -> Atom {
        if let Some(&a) = self.registry.get(key) {
            return a;
        }
        let a = self.new_symbol(Some(key));
        self.registry.insert(key.into(), a);
        a
    }

    /// `Symbol.keyFor(s)`: the key `s` was registered under.
    pub fn registry_key(&self, s: Atom) -> Option<&str> {
        let d = self.symbol_description(s)?;
        (self.registry.get(d) == Some(&s)).then_some(d)
    }

    /// Whether atom `a` is a symbol's.
    #[inline]
    pub fn is_symbol(&self, a: Atom) -> bool {
        self.atoms.kind(a) != AtomKind::Text
    }

    /// A symbol's description (`Symbol().description` is undefined).
    pub fn symbol_description(&self, a: Atom) -> Option<&str> {
        match self.atoms.kind(a) {
            AtomKind::SymbolWithoutDescription => None,
            _ => Some(self.atoms.text(a)),
        }
    }

    /// The atom for `s` if it was interned already (no allocation).
    pub fn lookup_atom(&self, s: &str) -> Option<Atom> {
        self.atoms.lookup(s)
    }

    #[inline]
    pub fn atom_str(&self, a: Atom) -> &str {
        self.atoms.text(a)
    }

    // ---- strings ----

    /// The text of a string value; `None` for other values.
    #[inline]
    pub fn str(&self, v: Value) -> Option<&str> {
        match v {
            Value::Atom(a) => Some(self.atoms.text(a)),
            Value::Str(s) => Some(self.slice(s)),
            _ => None,
        }
    }

    #[inline]
    fn slice(&self, s: StrSlice) -> &str {
        &self.bufs[s.buf as usize][s.start as usize..(s.start + s.len) as usize]
    }

    fn new_buf(&mut self, capacity: usize) -> u32 {
        let i = match self.free_bufs.pop() {
            Some(i) => {
                self.buf_marks[i as usize] = Mark::Unmarked;
                i as usize
            }
            None if self.live_bufs < self.bufs.len() => {
                self.live_bufs += 1;
                self.live_bufs - 1
            }
            None => {
                self.bufs.push(String::with_capacity(capacity));
                self.live_bufs += 1;
                return (self.live_bufs - 1) as u32;
            }
        };
        let b = &mut self.bufs[i];
        b.clear();
        if b.capacity() > SMALL_BUF * 64 {
            b.shrink_to(capacity.max(SMALL_BUF));
        }
        b.reserve(capacity);
        i as u32
    }

    /// A buffer with room for `len` more bytes, where a new string may start.
    fn buf_for(&mut self, len: usize) -> u32 {
        if len <= SMALL_STRING {
            if let Some(b) = self.small_buf {
                let buf = &self.bufs[b as usize];
                if buf.len() + len <= buf.capacity() {
                    return b;
                }
            }
            let b = self.new_buf(SMALL_BUF);
            self.small_buf = Some(b);
            b
        } else {
            self.new_buf(len)
        }
    }

    pub fn alloc_str(&mut self, s: &str) -> Result<Value, OutOfMemory> {
        self.alloc_str_parts(&[s])
    }

    /// One new string made of several parts.
    pub fn alloc_str_parts(&mut self, parts: &[&str]) -> Result<Value, OutOfMemory> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len > u32::MAX as usize / 2 {
            return Err(OutOfMemory);
        }
        self.charge(len)?;
        let b = self.buf_for(len);
        let buf = &mut self.bufs[b as usize];
        let start = buf.len();
        for p in parts {
            buf.push_str(p);
        }
        Ok(Value::Str(StrSlice {
            buf: b,
            start: start as u32,
            len: len as u32,
        }))
    }

    /// `a + tail` for a string `a`. When `a` ends its buffer the tail is
    /// appended in place (the old value stays a valid prefix), which makes a
    /// loop of `s += x` linear instead of quadratic.
    pub fn append(&mut self, a: Value, tail: &str) -> Result<Value, OutOfMemory> {
        if let Value::Str(s) = a {
            let buf = &self.bufs[s.buf as usize];
            let total = s.len as usize + tail.len();
            if (s.start + s.len) as usize == buf.len()
                && Some(s.buf) != self.small_buf.filter(|_| total > SMALL_STRING)
            {
                if total > u32::MAX as usize / 2 {
                    return Err(OutOfMemory);
                }
                self.charge(tail.len())?;
                self.bufs[s.buf as usize].push_str(tail);
                return Ok(Value::Str(StrSlice {
                    buf: s.buf,
                    start: s.start,
                    len: total as u32,
                }));
            }
        }
        let total = self.str(a).map_or(0, |x| x.len()) + tail.len();
        self.charge(total)?;
        let b = self.buf_for(total);
        let start = self.bufs[b as usize].len();
        match a {
            Value::Atom(at) => {
                let (atoms, bufs) = (&self.atoms, &mut self.bufs);
                bufs[b as usize].push_str(atoms.text(at));
            }
            Value::Str(s) if s.buf == b => {
                let (from, to) = (s.start as usize, (s.start + s.len) as usize);
                let buf = &mut self.bufs[b as usize];
                buf.extend_from_within(from..to);
            }
            Value::Str(s) => {
                let (lo, hi) = (s.buf.min(b) as usize, s.buf.max(b) as usize);
                let (left, right) = self.bufs.split_at_mut(hi);
                let (src, dst) = if (s.buf as usize) < hi {
                    (&left[lo], &mut right[0])
                } else {
                    (&right[0], &mut left[lo])
                };
                dst.push_str(&src[s.start as usize..(s.start + s.len) as usize]);
            }
            _ => {}
        }
        self.bufs[b as usize].push_str(tail);
        Ok(Value::Str(StrSlice {
            buf: b,
            start: start as u32,
            len: total as u32,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_grows_in_place_and_keeps_old_prefixes() {
        let mut h = Heap::new(1 << 30);
        let mut s = h.alloc_str(&"x".repeat(100)).unwrap();
        let first = s;
        for _ in 0..1000 {
            s = h.append(s, "ab").unwrap();
        }
        assert_eq!(h.str(s).unwrap().len(), 2100);
        assert_eq!(h.str(first).unwrap(), "x".repeat(100));
        let t = h.append(first, "!").unwrap();
        assert_eq!(h.str(t).unwrap(), format!("{}!", "x".repeat(100)));
        assert_eq!(h.str(s).unwrap().len(), 2100);
    }

    #[test]
    fn reset_reuses_slots_and_keeps_permanent_objects() {
        let mut h = Heap::new(1 << 20);
        let perm = h.alloc(Class::Object, None).unwrap();
        let a = h.intern("perm");
        h.seal();
        let o = h.alloc(Class::Array, None).unwrap();
        h.intern("temp");
        h.reset();
        assert_eq!(h.alloc(Class::Object, None).unwrap(), o);
        assert!(h.is_permanent(perm) && !h.is_permanent(o));
        assert_eq!(h.lookup_atom("perm"), Some(a));
        assert_eq!(h.lookup_atom("temp"), None);
    }

    #[test]
    fn budget_is_enforced() {
        let mut h = Heap::new(1000);
        assert!(h.alloc_str(&"x".repeat(2000)).is_err());
    }
}
