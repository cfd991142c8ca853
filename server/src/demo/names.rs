//! Word lists the demo draws its records from, so every page reads like a working company's.

use rand::rngs::StdRng;
use rand::Rng;

pub const FIRST: &[&str] = &[
    "Ada", "Alan", "Amara", "Ana", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Dara", "David",
    "Elena", "Emil", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jonas", "Julia",
    "Kai", "Kenji", "Lara", "Leo", "Lina", "Mara", "Mateo", "Mia", "Nadia", "Noah", "Olga", "Omar",
    "Paula", "Priya", "Rafael", "Rosa", "Sami", "Sofia", "Tariq", "Tessa", "Uma", "Victor", "Wen",
    "Yara", "Yusuf", "Zoe",
];

pub const LAST: &[&str] = &[
    "Andersen",
    "Baptiste",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Müller",
    "Nakamura",
    "Novak",
    "O'Brien",
    "Okafor",
    "Pereira",
    "Quinn",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Tanaka",
    "Van Dijk",
    "Weber",
    "Yilmaz",
    "Zhang",
];

const COMPANY_FIRST: &[&str] = &[
    "Alpine",
    "Atlas",
    "Aurora",
    "Beacon",
    "Blue Harbor",
    "Cedar",
    "Coastal",
    "Copper",
    "Crescent",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Horizon",
    "Iron Gate",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Lighthouse",
    "Maple",
    "Meridian",
    "Northstar",
    "Oakridge",
    "Orbit",
    "Pinnacle",
    "Prairie",
    "Quarry",
    "Redwood",
    "Riverbend",
    "Sable",
    "Silverline",
    "Summit",
    "Tidewater",
    "Union",
    "Vanguard",
    "Willow",
    "Zenith",
];

const COMPANY_LAST: &[&str] = &[
    "Analytics",
    "Bakery",
    "Builders",
    "Clinic",
    "Consulting",
    "Dental",
    "Design",
    "Foods",
    "Freight",
    "Hotels",
    "Instruments",
    "Labs",
    "Logistics",
    "Media",
    "Motors",
    "Optics",
    "Partners",
    "Pharmacy",
    "Robotics",
    "Software",
    "Studios",
    "Supplies",
    "Systems",
    "Textiles",
    "Travel",
    "Ventures",
];

const COMPANY_FORM: &[&str] = &["Ltd", "GmbH", "Inc.", "S.A.", "AG", "LLC", "B.V.", "Oy"];

pub const CITIES: &[(&str, &str)] = &[
    ("London", "GB"),
    ("Manchester", "GB"),
    ("Berlin", "DE"),
    ("Munich", "DE"),
    ("Zürich", "CH"),
    ("Geneva", "CH"),
    ("Paris", "FR"),
    ("Lyon", "FR"),
    ("Amsterdam", "NL"),
    ("Madrid", "ES"),
    ("Lisbon", "PT"),
    ("Stockholm", "SE"),
    ("Helsinki", "FI"),
    ("Warsaw", "PL"),
    ("Vienna", "AT"),
    ("Dublin", "IE"),
    ("New York", "US"),
    ("Austin", "US"),
    ("Toronto", "CA"),
    ("Tokyo", "JP"),
];

const PRODUCT_ADJECTIVE: &[&str] = &[
    "Standard",
    "Professional",
    "Enterprise",
    "Compact",
    "Premium",
    "Essential",
    "Advanced",
    "Team",
    "Starter",
    "Heavy-duty",
];

/// Names and list prices in minor units (cents).
const PRODUCT_NOUN: &[(&str, i64)] = &[
    ("Support plan", 4900),
    ("Analytics seat", 2900),
    ("Onboarding day", 95000),
    ("Barcode scanner", 18900),
    ("Label printer", 32900),
    ("Receipt paper (box)", 2450),
    ("Wireless headset", 8990),
    ("Docking station", 21900),
    ("Training workshop", 145000),
    ("Cloud storage (1 TB)", 999),
    ("Security audit", 320000),
    ("Tablet stand", 3900),
    ("Data migration", 210000),
    ("Hosting plan", 11900),
    ("Dental chair service", 42000),
    ("Sterilisation kit", 7450),
    ("Office chair", 34900),
    ("Monitor 27\"", 28900),
    ("Backup licence", 1500),
    ("API access tier", 19900),
];

pub const TICKET_SUBJECTS: &[&str] = &[
    "Cannot sign in since this morning",
    "Invoice shows the wrong VAT number",
    "Order arrived damaged",
    "Licence key rejected on the second machine",
    "Please add two more seats",
    "Export to CSV is missing a column",
    "Delivery date for our last order?",
    "Printer does not pick up labels",
    "Request for a refund of a duplicate payment",
    "How do we change the billing address?",
    "Scanner firmware update fails",
    "Training session: can we move it?",
    "Question about the renewal price",
    "Headset microphone crackles",
    "Need a copy of the signed quote",
];

pub const REPLIES: &[&str] = &[
    "Thanks for letting us know — we are looking into it now.",
    "Could you send us a photo of the serial number label?",
    "We have shipped a replacement; you will get tracking details by email.",
    "That is fixed on our side. Could you try again and tell us if it works?",
    "I have added the seats; the new total appears on your next invoice.",
    "Happy to help. I have attached the document you asked for.",
];

pub const NOTES: &[&str] = &[
    "Customer is on the enterprise plan; priority handling.",
    "Checked with the warehouse: the parcel left on Tuesday.",
    "Same issue as last month — escalate if it happens again.",
    "Refund approved by finance, waiting for the bank.",
];

pub fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

pub fn person(rng: &mut StdRng) -> (String, String) {
    (pick(rng, FIRST).to_owned(), pick(rng, LAST).to_owned())
}

pub fn company(rng: &mut StdRng) -> String {
    format!(
        "{} {} {}",
        pick(rng, COMPANY_FIRST),
        pick(rng, COMPANY_LAST),
        pick(rng, COMPANY_FORM)
    )
}

/// The `n`th product of a catalogue: its name (distinct for every `n`) and list price in minor
/// units.
pub fn product(n: usize) -> (String, i64) {
    let (noun, price) = PRODUCT_NOUN[n % PRODUCT_NOUN.len()];
    let adjective = PRODUCT_ADJECTIVE[(n / PRODUCT_NOUN.len()) % PRODUCT_ADJECTIVE.len()];
    let series = n / (PRODUCT_NOUN.len() * PRODUCT_ADJECTIVE.len());
    if series == 0 {
        (format!("{adjective} {noun}"), price)
    } else {
        (format!("{adjective} {noun} S{}", series + 1), price)
    }
}

/// A plausible address-book form of a name: "ana.costa".
pub fn email_local(first: &str, last: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_lowercase()
    };
    format!("{}.{}", clean(first), clean(last))
}
