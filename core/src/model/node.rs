//! Typed access to documents by JSON Pointer, for checks compiled from pack data.
//! Each record answers for its members by name; nothing is copied or re-parsed.

pub use super::node_text::NodeText;
use crate::json::pointer::{self, Pointer};
use crate::model::{
    Amount, Category, Count, CreditCode, Date, DateTime, Decimal, Document, Field, Hazard, Invalid,
    ManifestNumber, Quantity, RegionCode, Text, VehiclePlate, WasteCode, Year,
};

/// A value in a document, as a check sees it.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    /// Not given.
    Absent,
    /// Given but malformed (already reported as a `schema.*` violation).
    Invalid,
    /// An object of the model.
    Record(&'a dyn Record),
    /// A list.
    List(&'a dyn ListNode),
    /// Free text.
    Text(&'a str),
    /// A value of a closed list, as its JSON string.
    Enum(&'static str),
    /// A waste code.
    WasteCode(&'a WasteCode),
    /// A waste category.
    Category(Category),
    /// A hazard characteristic.
    Hazard(Hazard),
    /// A unified social credit code.
    CreditCode(&'a CreditCode),
    /// An administrative region code.
    Region(RegionCode),
    /// A transfer manifest's number.
    ManifestNumber(&'a ManifestNumber),
    /// A vehicle's plate.
    Plate(&'a VehiclePlate),
    /// A mass, with its unit.
    Quantity(&'a Quantity),
    /// A non-negative exact decimal without a unit.
    Amount(Decimal),
    /// A calendar date.
    Date(Date),
    /// A date-time with its UTC offset.
    DateTime(&'a DateTime),
    /// A count of things.
    Count(u32),
    /// A calendar year.
    Year(Year),
    /// `true` or `false`.
    Bool(bool),
    /// A plain number: a latitude or a longitude in degrees.
    Number(f64),
}

// Neither `Record` nor `ListNode` requires `Debug`: a trait object's vtable keeps
// its `Debug`, and with it every model type's `Debug` code was in the browser
// module. As trait objects they show their shape alone (`Record(..)`,
// `List(len 3)` in a `Node`).
impl std::fmt::Debug for dyn Record + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl std::fmt::Debug for dyn ListNode + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "len {}", self.len())
    }
}

/// A record of the model, answering for its members by JSON name.
pub trait Record: Sync {
    /// The member `name`, or [`Node::Absent`] for a name the record does not have.
    fn member(&self, name: &str) -> Node<'_>;
}

/// A list of the model.
pub trait ListNode: Sync {
    /// Number of items.
    fn len(&self) -> usize;
    /// Whether the list is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Item `index`.
    fn item(&self, index: usize) -> Node<'_>;
}

/// Conversion of a model value to a [`Node`].
pub trait AsNode {
    /// The value as a node.
    fn as_node(&self) -> Node<'_>;
}

impl<T: AsNode> AsNode for Field<T> {
    fn as_node(&self) -> Node<'_> {
        match self {
            Field::Absent => Node::Absent,
            Field::Valid(value) => value.as_node(),
            Field::Invalid(_) => Node::Invalid,
        }
    }
}

impl<T: AsNode + Sync> ListNode for Vec<Field<T>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn item(&self, index: usize) -> Node<'_> {
        self.get(index).map_or(Node::Absent, AsNode::as_node)
    }
}

impl<T: AsNode + Sync> AsNode for Vec<Field<T>> {
    fn as_node(&self) -> Node<'_> {
        Node::List(self)
    }
}

macro_rules! as_node {
    ($($ty:ty => |$v:ident| $node:expr),* $(,)?) => {
        $(impl AsNode for $ty {
            fn as_node(&self) -> Node<'_> {
                let $v = self;
                $node
            }
        })*
    };
}

as_node! {
    Text => |v| Node::Text(v),
    WasteCode => |v| Node::WasteCode(v),
    Category => |v| Node::Category(*v),
    Hazard => |v| Node::Hazard(*v),
    CreditCode => |v| Node::CreditCode(v),
    RegionCode => |v| Node::Region(*v),
    ManifestNumber => |v| Node::ManifestNumber(v),
    VehiclePlate => |v| Node::Plate(v),
    Quantity => |v| Node::Quantity(v),
    Amount => |v| Node::Amount(v.0),
    Date => |v| Node::Date(*v),
    DateTime => |v| Node::DateTime(v),
    Count => |v| Node::Count(v.0),
    Year => |v| Node::Year(*v),
    bool => |v| Node::Bool(*v),
    crate::model::Latitude => |v| Node::Number(v.0),
    crate::model::Longitude => |v| Node::Number(v.0),
}

impl<T: AsNode> AsNode for Box<T> {
    fn as_node(&self) -> Node<'_> {
        T::as_node(self)
    }
}

impl AsNode for Invalid {
    fn as_node(&self) -> Node<'_> {
        Node::Invalid
    }
}

impl<'a> Node<'a> {
    /// Whether a value was given (valid or not).
    pub fn is_present(&self) -> bool {
        !matches!(self, Node::Absent)
    }

    /// The member `name` of a record node.
    pub fn member(&self, name: &str) -> Node<'a> {
        match self {
            Node::Record(record) => record.member(name),
            _ => Node::Absent,
        }
    }

    /// The value's text, for comparing keys and for messages: borrowed, or written
    /// on the stack for a value kept typed (a date, a quantity, a region code).
    pub fn text(&self) -> Option<NodeText<'a>> {
        Some(match *self {
            Node::Text(t) => NodeText::Borrowed(t),
            Node::Enum(t) => NodeText::Borrowed(t),
            Node::WasteCode(c) => NodeText::Borrowed(c.as_str()),
            Node::CreditCode(c) => NodeText::Borrowed(c.as_str()),
            Node::ManifestNumber(n) => NodeText::Borrowed(n.as_str()),
            Node::Plate(p) => NodeText::Borrowed(p.as_str()),
            Node::Category(c) => NodeText::written(&c),
            Node::Hazard(h) => NodeText::Borrowed(h.symbol()),
            Node::Region(r) => NodeText::written(&r),
            Node::Quantity(q) => NodeText::written(&q),
            Node::Amount(a) => NodeText::written(&a),
            Node::Date(d) => NodeText::written(&d),
            Node::DateTime(t) => NodeText::written(&t),
            Node::Count(n) => NodeText::written(&n),
            Node::Year(y) => NodeText::written(&y.get()),
            Node::Bool(b) => NodeText::Borrowed(if b { "true" } else { "false" }),
            Node::Number(n) => NodeText::written(&n),
            Node::Absent | Node::Invalid | Node::Record(_) | Node::List(_) => return None,
        })
    }

    /// The legal date of a date or date-time (a date-time's local date).
    pub fn date(&self) -> Option<Date> {
        match self {
            Node::Date(d) => Some(*d),
            Node::DateTime(t) => Some(t.local_date()),
            _ => None,
        }
    }

    /// An exact number: a quantity in tonnes, an amount, a count or a year.
    pub fn decimal(&self) -> Option<Decimal> {
        match self {
            Node::Quantity(q) => Some(q.in_tonnes()),
            Node::Amount(a) => Some(*a),
            Node::Count(n) => Some(Decimal::from(*n)),
            Node::Year(y) => Some(Decimal::from(y.get())),
            _ => None,
        }
    }
}

impl Pointer {
    /// The node this pointer names from `root`.
    pub fn resolve<'a>(&self, root: Node<'a>) -> Node<'a> {
        let mut node = root;
        for token in self.tokens() {
            node = match node {
                Node::Record(record) => record.member(token),
                Node::List(list) => match pointer::index(token) {
                    Some(index) => list.item(index),
                    None => Node::Absent,
                },
                _ => Node::Absent,
            };
        }
        node
    }
}

/// The node of a whole document.
pub fn document_node(document: &Document) -> Node<'_> {
    match document {
        Document::Manifest(d) => Node::Record(d.as_ref()),
        Document::Declaration(d) => Node::Record(d.as_ref()),
        Document::Plan(d) => Node::Record(d.as_ref()),
        Document::Ledger(d) => Node::Record(d.as_ref()),
        Document::Storage(d) => Node::Record(d.as_ref()),
        Document::DistrictReport(d) => Node::Record(d.as_ref()),
    }
}
