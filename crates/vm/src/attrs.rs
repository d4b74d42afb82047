//! Property attributes: the bits kept beside an object's properties.
//!
//! Zero is the common case — an enumerable, writable, configurable data
//! property — so objects whose properties are all plain keep no bits at all.

/// A property's attributes, as a set of the flags below.
pub type Attrs = u8;

/// An enumerable, writable, configurable data property.
pub const PLAIN: Attrs = 0;
/// Not enumerable.
pub const HIDDEN: Attrs = 1;
/// Not writable (a data property).
pub const READONLY: Attrs = 2;
/// Not configurable.
pub const FIXED: Attrs = 4;
/// An accessor: the value is a `Class::Accessor` object.
pub const ACCESSOR: Attrs = 8;
/// A class's `#private` member: no reflection sees it, `freeze` leaves it.
pub const PRIVATE: Attrs = 16;

/// A method or a prototype's `constructor`: writable, configurable, hidden.
pub const METHOD: Attrs = HIDDEN;
