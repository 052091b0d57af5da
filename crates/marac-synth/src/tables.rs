//! Static reference tables: boroughs, names, streets, nicknames and the
//! phrases used in summaries. Everything here is invented or public
//! general knowledge (borough names, postcode districts, common names).

/// Name origin groups, used to keep a household's names plausible together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    British,
    Irish,
    SouthAsian,
    WestAfrican,
    Somali,
    Caribbean,
    EastEuropean,
    Turkish,
    EastAsian,
    Lusophone,
    Arabic,
    GreekCypriot,
    Italian,
}

impl Group {
    pub(crate) const ALL: [Group; 13] = [
        Group::British,
        Group::Irish,
        Group::SouthAsian,
        Group::WestAfrican,
        Group::Somali,
        Group::Caribbean,
        Group::EastEuropean,
        Group::Turkish,
        Group::EastAsian,
        Group::Lusophone,
        Group::Arabic,
        Group::GreekCypriot,
        Group::Italian,
    ];

    /// Rough share of London households, in per mille.
    pub(crate) fn weight(self) -> f64 {
        match self {
            Group::British => 430.0,
            Group::Irish => 40.0,
            Group::SouthAsian => 160.0,
            Group::WestAfrican => 65.0,
            Group::Somali => 15.0,
            Group::Caribbean => 60.0,
            Group::EastEuropean => 75.0,
            Group::Turkish => 30.0,
            Group::EastAsian => 35.0,
            Group::Lusophone => 30.0,
            Group::Arabic => 25.0,
            Group::GreekCypriot => 15.0,
            Group::Italian => 20.0,
        }
    }

    /// Where first names come from for this group (surname group, then a
    /// chance of a British first name, as many second-generation families).
    pub(crate) fn british_first_name_chance(self) -> f64 {
        match self {
            Group::British | Group::Irish => 0.0,
            Group::Caribbean => 0.55,
            Group::WestAfrican => 0.35,
            Group::GreekCypriot | Group::Italian => 0.25,
            Group::EastAsian => 0.3,
            _ => 0.12,
        }
    }
}

/// One London borough (or the City): name, BCU, centroid, population in
/// thousands, and a few real postcode districts lying mainly inside it.
pub(crate) struct BoroughInfo {
    pub name: &'static str,
    pub bcu: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: f64,
    /// Relative rate of police-recorded crime per resident (town centres).
    pub crime_factor: f64,
    /// Share of households in social housing.
    pub social: f64,
    /// Share of homes that are flats.
    pub flats: f64,
    pub districts: &'static [&'static str],
    /// Other spellings an agency might write.
    pub variants: &'static [&'static str],
}

macro_rules! b {
    ($name:literal, $bcu:literal, $lat:literal, $lon:literal, $pop:literal, $crime:literal, $social:literal, $flats:literal, [$($d:literal),+], [$($v:literal),*]) => {
        BoroughInfo { name: $name, bcu: $bcu, lat: $lat, lon: $lon, population: $pop, crime_factor: $crime, social: $social, flats: $flats, districts: &[$($d),+], variants: &[$($v),*] }
    };
}

pub(crate) const BOROUGHS: &[BoroughInfo] = &[
    b!("City of London", "City of London", 51.5155, -0.0922, 9.0, 12.0, 0.3, 0.95, ["EC1A", "EC2V", "EC3V", "EC4M", "EC2M"], ["City", "City of London Corporation"]),
    b!("Westminster", "Central West", 51.5120, -0.1580, 205.0, 3.0, 0.25, 0.9, ["W1U", "W2", "SW1P", "SW1V", "NW8", "W9"], ["City of Westminster"]),
    b!("Kensington and Chelsea", "Central West", 51.5000, -0.1900, 143.0, 1.6, 0.25, 0.85, ["W8", "W10", "W11", "SW3", "SW5", "SW10"], ["Kensington & Chelsea", "RBKC", "Kensington and Chelsea (RBKC)"]),
    b!("Hammersmith and Fulham", "Central West", 51.4950, -0.2200, 183.0, 1.3, 0.3, 0.75, ["W6", "W12", "W14", "SW6"], ["Hammersmith & Fulham", "LBHF", "Hammersmith"]),
    b!("Camden", "Central North", 51.5450, -0.1630, 210.0, 1.8, 0.33, 0.85, ["NW1", "NW3", "NW5", "WC1H", "NW6"], ["London Borough of Camden"]),
    b!("Islington", "Central North", 51.5470, -0.1060, 216.0, 1.5, 0.4, 0.85, ["N1", "N4", "N5", "N7", "N19", "EC1V"], ["LB Islington"]),
    b!("Hackney", "Central East", 51.5450, -0.0550, 259.0, 1.4, 0.4, 0.8, ["E5", "E8", "E9", "N16"], ["London Borough of Hackney"]),
    b!("Tower Hamlets", "Central East", 51.5150, -0.0300, 310.0, 1.4, 0.4, 0.85, ["E1", "E2", "E3", "E14"], ["LBTH", "Tower Hamlets LB"]),
    b!("Lambeth", "Central South", 51.4600, -0.1170, 317.0, 1.3, 0.33, 0.75, ["SE11", "SW2", "SW4", "SW9", "SE27", "SW16"], ["London Borough of Lambeth"]),
    b!("Southwark", "Central South", 51.4700, -0.0750, 307.0, 1.3, 0.4, 0.75, ["SE1", "SE5", "SE15", "SE16", "SE22"], ["LB Southwark"]),
    b!("Enfield", "North", 51.6500, -0.0800, 330.0, 0.9, 0.2, 0.4, ["EN1", "EN3", "N9", "N13", "N21"], ["London Borough of Enfield"]),
    b!("Haringey", "North", 51.5870, -0.1080, 264.0, 1.1, 0.3, 0.6, ["N8", "N15", "N17", "N22"], ["Harringey", "LB Haringey"]),
    b!("Barnet", "North West", 51.6250, -0.2150, 389.0, 0.7, 0.12, 0.45, ["N3", "NW4", "NW7", "EN5", "N12"], ["London Borough of Barnet"]),
    b!("Brent", "North West", 51.5600, -0.2750, 339.0, 1.0, 0.2, 0.55, ["NW10", "HA9", "NW2", "HA0"], ["LB Brent"]),
    b!("Harrow", "North West", 51.5900, -0.3350, 261.0, 0.6, 0.1, 0.3, ["HA1", "HA2", "HA3", "HA5"], ["London Borough of Harrow"]),
    b!("Newham", "North East", 51.5250, 0.0350, 351.0, 1.1, 0.3, 0.55, ["E6", "E7", "E13", "E15", "E16"], ["LB Newham"]),
    b!("Waltham Forest", "North East", 51.5900, -0.0130, 278.0, 0.9, 0.2, 0.5, ["E4", "E10", "E11", "E17"], ["Waltham Forrest", "LBWF"]),
    b!("Barking and Dagenham", "East", 51.5450, 0.1300, 219.0, 0.9, 0.33, 0.35, ["IG11", "RM8", "RM9", "RM10"], ["Barking & Dagenham", "LBBD", "Barking"]),
    b!("Havering", "East", 51.5650, 0.2350, 262.0, 0.7, 0.15, 0.25, ["RM1", "RM3", "RM7", "RM11", "RM12"], ["London Borough of Havering"]),
    b!("Redbridge", "East", 51.5850, 0.0700, 310.0, 0.8, 0.1, 0.35, ["IG1", "IG2", "IG3", "IG4", "IG6"], ["LB Redbridge"]),
    b!("Bexley", "South East", 51.4550, 0.1500, 246.0, 0.6, 0.15, 0.25, ["DA5", "DA6", "DA7", "DA14", "DA15"], ["London Borough of Bexley"]),
    b!("Greenwich", "South East", 51.4650, 0.0600, 289.0, 1.0, 0.33, 0.5, ["SE3", "SE7", "SE9", "SE10", "SE18"], ["Royal Borough of Greenwich", "RBG"]),
    b!("Lewisham", "South East", 51.4450, -0.0200, 300.0, 1.0, 0.3, 0.55, ["SE4", "SE6", "SE13", "SE14", "SE23"], ["LB Lewisham"]),
    b!("Bromley", "South", 51.3700, 0.0500, 330.0, 0.6, 0.12, 0.3, ["BR1", "BR2", "BR3", "BR6"], ["London Borough of Bromley"]),
    b!("Croydon", "South", 51.3700, -0.0950, 391.0, 1.0, 0.17, 0.45, ["CR0", "CR2", "CR7", "CR4"], ["LB Croydon"]),
    b!("Sutton", "South", 51.3600, -0.1900, 209.0, 0.6, 0.12, 0.35, ["SM1", "SM2", "SM3", "SM5"], ["London Borough of Sutton"]),
    b!("Kingston upon Thames", "South West", 51.3900, -0.2850, 168.0, 0.7, 0.1, 0.35, ["KT1", "KT2", "KT3", "KT6"], ["Kingston", "Royal Borough of Kingston", "RBK"]),
    b!("Merton", "South West", 51.4100, -0.1950, 215.0, 0.7, 0.13, 0.4, ["SW19", "SW20", "SM4"], ["London Borough of Merton"]),
    b!("Richmond upon Thames", "South West", 51.4450, -0.3150, 195.0, 0.6, 0.1, 0.4, ["TW1", "TW2", "TW9", "TW10", "SW14"], ["Richmond", "LBRuT", "Richmond-upon-Thames"]),
    b!("Wandsworth", "South West", 51.4550, -0.1950, 328.0, 0.9, 0.2, 0.65, ["SW11", "SW12", "SW15", "SW17", "SW18"], ["LB Wandsworth"]),
    b!("Ealing", "West", 51.5150, -0.3150, 367.0, 0.9, 0.18, 0.5, ["W5", "W7", "W13", "UB1", "UB6"], ["London Borough of Ealing"]),
    b!("Hillingdon", "West", 51.5350, -0.4500, 305.0, 0.8, 0.13, 0.3, ["UB3", "UB4", "UB8", "UB10", "HA4"], ["LB Hillingdon"]),
    b!("Hounslow", "West", 51.4650, -0.3700, 288.0, 0.9, 0.2, 0.45, ["TW3", "TW4", "TW5", "TW7", "W4"], ["London Borough of Hounslow"]),
];

/// Letters allowed in the last two places of a UK inward code.
pub(crate) const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// (name, is_male, group).
type FirstName = (&'static str, bool, Group);

macro_rules! names {
    ($group:ident, male: [$($m:literal),* $(,)?], female: [$($f:literal),* $(,)?]) => {
        &[$(($m, true, Group::$group),)* $(($f, false, Group::$group),)*]
    };
}

const FIRST_BRITISH: &[FirstName] = names!(British,
    male: ["James", "John", "David", "Michael", "Robert", "William", "Paul", "Richard", "Thomas", "Christopher",
        "Daniel", "Mark", "Anthony", "Peter", "Andrew", "Stephen", "Matthew", "Steven", "George", "Edward",
        "Kenneth", "Ronald", "Timothy", "Nicholas", "Jonathan", "Samuel", "Benjamin", "Alexander", "Joshua", "Jack",
        "Oliver", "Harry", "Charles", "Frederick", "Albert", "Terence", "Raymond", "Leonard", "Gerald", "Douglas",
        "Nathan", "Luke", "Callum", "Alfie", "Simon", "Philip", "Graham", "Ian", "Keith", "Colin",
        "Derek", "Stanley", "Henry", "Lewis", "Joseph", "Ryan", "Gareth", "Rhys", "Alasdair", "Hamish", "Owen", "Dylan"],
    female: ["Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Sarah", "Karen", "Margaret",
        "Sandra", "Dorothy", "Emily", "Michelle", "Carol", "Amanda", "Deborah", "Rebecca", "Katherine", "Christine",
        "Helen", "Samantha", "Emma", "Victoria", "Rachel", "Joanne", "Jacqueline", "Pamela", "Gillian", "Hannah",
        "Charlotte", "Amelia", "Olivia", "Sophie", "Chloe", "Lucy", "Jean", "Joan", "Doreen", "Irene",
        "Eileen", "Valerie", "Shirley", "Jane", "Alison", "Theresa", "Abigail", "Natalie", "Jade", "Kimberley",
        "Frances", "Judith", "Ann", "Zoë", "Fiona", "Morag", "Cerys", "Bethan", "Megan", "Louise", "Mary-Jane"]);

const FIRST_IRISH: &[FirstName] = names!(Irish,
    male: ["Seán", "Patrick", "Declan", "Ciarán", "Niall", "Eoin", "Liam", "Conor", "Aidan", "Pádraig"],
    female: ["Siobhán", "Niamh", "Aoife", "Róisín", "Bridget", "Mairéad", "Sinéad", "Orla", "Catherine", "Kathleen"]);

const FIRST_SOUTH_ASIAN: &[FirstName] = names!(SouthAsian,
    male: ["Mohammed", "Muhammad", "Ahmed", "Ali", "Imran", "Abdul", "Hassan", "Omar", "Rahul", "Amit",
        "Sanjay", "Raj", "Vikram", "Arjun", "Rohan", "Gurpreet", "Jaswinder", "Sukhdev", "Rajesh", "Suresh",
        "Ravi", "Kamal", "Shahid", "Tariq", "Asif", "Faisal", "Bilal", "Zain", "Karthik", "Nadeem", "Rizwan", "Abdul-Karim"],
    female: ["Fatima", "Aisha", "Ayesha", "Priya", "Anjali", "Sunita", "Pooja", "Nisha", "Shabana", "Nasreen",
        "Rukhsana", "Farzana", "Sadia", "Amina", "Parveen", "Kiran", "Harjit", "Manjit", "Deepa", "Meera",
        "Lakshmi", "Zainab", "Saima", "Shazia", "Tahmina", "Rabia"]);

const FIRST_WEST_AFRICAN: &[FirstName] = names!(WestAfrican,
    male: ["Oluwaseun", "Adebayo", "Chinedu", "Chukwuemeka", "Kwame", "Kofi", "Yaw", "Olumide", "Babatunde", "Ifeanyi",
        "Segun", "Olufemi", "Kwabena", "Ikechukwu", "Emmanuel", "Godfrey", "Mohamed"],
    female: ["Adaeze", "Chioma", "Ngozi", "Funmilayo", "Abimbola", "Ama", "Akosua", "Efua", "Yetunde", "Folasade",
        "Blessing", "Grace", "Comfort", "Precious", "Nneka", "Bukola", "Mariama"]);

const FIRST_SOMALI: &[FirstName] = names!(Somali,
    male: ["Abdi", "Abdirahman", "Mohamed", "Hassan", "Yusuf", "Ismail", "Abdullahi", "Mahad", "Farah"],
    female: ["Hodan", "Fadumo", "Sahra", "Asha", "Halima", "Ayaan", "Khadija", "Hibo", "Ubah"]);

const FIRST_CARIBBEAN: &[FirstName] = names!(Caribbean,
    male: ["Delroy", "Winston", "Leroy", "Tyrone", "Jermaine", "Marcus", "Clive", "Errol", "Desmond", "Lloyd", "Kemar", "Dwayne"],
    female: ["Marcia", "Beverley", "Sonia", "Shanice", "Paulette", "Hyacinth", "Claudette", "Yvonne", "Janice", "Donna", "Keisha"]);

const FIRST_EAST_EUROPEAN: &[FirstName] = names!(EastEuropean,
    male: ["Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek", "Andrzej", "Jakub", "Łukasz", "Mateusz", "Bogdan",
        "Ionuț", "Andrei", "Mihai", "Vasile", "Florin", "Darius", "Tomas", "Mantas", "Dimitar", "Georgi"],
    female: ["Anna", "Katarzyna", "Agnieszka", "Magdalena", "Monika", "Joanna", "Ewa", "Małgorzata", "Ioana", "Elena",
        "Maria", "Andreea", "Gabriela", "Rūta", "Jurgita", "Ivana", "Daniela", "Natalia"]);

const FIRST_TURKISH: &[FirstName] = names!(Turkish,
    male: ["Mehmet", "Mustafa", "Ahmet", "Hüseyin", "İbrahim", "Emre", "Murat", "Kemal", "Cem", "Hakan"],
    female: ["Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Hatice", "Sevgi", "Gülşen", "Derya", "Leyla"]);

const FIRST_EAST_ASIAN: &[FirstName] = names!(EastAsian,
    male: ["Wei", "Jun", "Hao", "Ming", "Jian", "Tuan", "Minh", "Kai", "Long"],
    female: ["Mei", "Li", "Xin", "Ying", "Hui", "Lan", "Linh", "Thu", "Hoa", "Jing"]);

const FIRST_LUSOPHONE: &[FirstName] = names!(Lusophone,
    male: ["João", "Pedro", "Tiago", "Rui", "Paulo", "Luís", "Carlos", "Miguel", "Nuno", "Bruno"],
    female: ["Ana", "Beatriz", "Inês", "Mariana", "Joana", "Sofia", "Rita", "Carla", "Fernanda"]);

const FIRST_ARABIC: &[FirstName] = names!(Arabic,
    male: ["Ahmad", "Khalid", "Yousef", "Hamza", "Karim", "Samir", "Walid", "Tarek"],
    female: ["Layla", "Mariam", "Rania", "Nadia", "Huda", "Salma", "Dina", "Yasmin"]);

const FIRST_GREEK_CYPRIOT: &[FirstName] = names!(GreekCypriot,
    male: ["Andreas", "Georgios", "Christos", "Costas", "Nikos"],
    female: ["Eleni", "Despina", "Androulla", "Sophia", "Katerina"]);

const FIRST_ITALIAN: &[FirstName] = names!(Italian,
    male: ["Marco", "Giuseppe", "Luca", "Giovanni", "Francesco"],
    female: ["Giulia", "Francesca", "Chiara", "Giovanna", "Rosa"]);

/// First names of a group, in rough order of frequency.
pub(crate) fn first_names(group: Group) -> &'static [FirstName] {
    match group {
        Group::British => FIRST_BRITISH,
        Group::Irish => FIRST_IRISH,
        Group::SouthAsian => FIRST_SOUTH_ASIAN,
        Group::WestAfrican => FIRST_WEST_AFRICAN,
        Group::Somali => FIRST_SOMALI,
        Group::Caribbean => FIRST_CARIBBEAN,
        Group::EastEuropean => FIRST_EAST_EUROPEAN,
        Group::Turkish => FIRST_TURKISH,
        Group::EastAsian => FIRST_EAST_ASIAN,
        Group::Lusophone => FIRST_LUSOPHONE,
        Group::Arabic => FIRST_ARABIC,
        Group::GreekCypriot => FIRST_GREEK_CYPRIOT,
        Group::Italian => FIRST_ITALIAN,
    }
}

/// Surnames of a group, in rough order of frequency (drawn Zipf-like).
pub(crate) fn surnames(group: Group) -> &'static [&'static str] {
    match group {
        Group::British => &[
            "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
            "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
            "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
            "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James",
            "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell",
            "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Miller", "Cox", "Richards",
            "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman", "Powell", "Webb",
            "Rogers", "Gray", "Mason", "Hunt", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes",
            "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Dixon", "Harvey",
            "Graham", "Pearson", "Fletcher", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds", "Saunders",
            "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole", "Atkinson",
            "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "Watts", "Rose", "Booth", "Perry",
            "Wells", "Armstrong", "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Gregory", "Lowe", "Hopkins",
            "Fraser", "MacDonald", "McLean", "MacLeod", "Robertson", "Hamilton", "Ross", "Paterson", "Pritchard", "Llewellyn",
            "Vaughan", "Baker-Smith", "Lloyd-Jones", "Ashworth", "Whitfield", "Pemberton",
        ],
        Group::Irish => &[
            "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill", "O'Reilly",
            "Doyle", "McCarthy", "Gallagher", "O'Doherty", "Kennedy", "Lynch", "Murray", "Quinn", "McLoughlin", "O'Carroll",
            "Connolly", "Daly", "O'Connell", "Brennan", "Fitzgerald", "McGrath", "Nolan", "Keane", "Duffy", "Ó Briain",
        ],
        Group::SouthAsian => &[
            "Patel", "Khan", "Singh", "Begum", "Ali", "Hussain", "Ahmed", "Shah", "Kaur", "Akhtar",
            "Rahman", "Islam", "Uddin", "Miah", "Chowdhury", "Hossain", "Iqbal", "Mahmood", "Malik", "Sharma",
            "Kumar", "Gupta", "Mistry", "Joshi", "Desai", "Mehta", "Bibi", "Rashid", "Qureshi", "Siddiqui",
            "Sheikh", "Butt", "Aziz", "Kapoor", "Chauhan", "Parmar", "Solanki", "Vaghela", "Pillai", "Nair",
            "Sivakumar", "Rajan", "Thevarajah", "Fernando", "Perera", "Dhillon", "Sandhu", "Sidhu", "Bains", "Haque",
            "Karim", "Nawaz", "Anwar", "Javed", "Raza", "D'Souza", "Pereira", "Ul-Haq",
        ],
        Group::WestAfrican => &[
            "Okafor", "Adeyemi", "Okonkwo", "Mensah", "Owusu", "Boateng", "Asante", "Adebayo", "Oluwole", "Ogunleye",
            "Balogun", "Eze", "Nwosu", "Obi", "Adewale", "Afolabi", "Ogundipe", "Bello", "Agyeman", "Appiah",
            "Osei", "Ansah", "Danso", "Addo", "Oyelaran", "Olaniyan", "Ojo", "Akinola", "Onyeka", "Chukwu",
            "Sesay", "Kamara", "Conteh", "Bangura", "Jalloh",
        ],
        Group::Somali => &[
            "Mohamed", "Hassan", "Abdi", "Farah", "Omar", "Ismail", "Yusuf", "Warsame", "Jama", "Nur",
            "Egal", "Aden", "Hirsi", "Osman", "Mohamud", "Abdullahi", "Elmi",
        ],
        Group::Caribbean => &[
            "Campbell", "Brown", "Williams", "Francis", "Thomas", "Grant", "Clarke", "Reid", "Forbes", "McKenzie",
            "Henry", "Gordon", "Lewis", "Samuels", "Richards", "Bailey", "Gayle", "Morgan", "Daley", "Ellis",
            "Joseph", "Charles", "Mitchell", "Blake", "Sinclair", "Bryan", "Wright",
        ],
        Group::EastEuropean => &[
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
            "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Popescu", "Ionescu", "Popa", "Stan", "Dumitru",
            "Constantin", "Stoica", "Georgescu", "Kazlauskas", "Jankauskas", "Petrauskas", "Ozoliņš", "Bērziņš", "Ivanov", "Petrov",
            "Dimitrov", "Georgiev", "Novák", "Horvat", "Kovács", "Nagy", "Shevchenko", "Kovalenko", "Bondarenko", "Horváth",
        ],
        Group::Turkish => &[
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
            "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Polat",
        ],
        Group::EastAsian => &[
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
            "Xu", "Sun", "Ma", "Zhu", "Hu", "Lin", "Wong", "Chan", "Cheung", "Lam",
            "Leung", "Ng", "Tang", "Nguyen", "Tran", "Le", "Pham",
        ],
        Group::Lusophone => &[
            "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa",
            "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho",
            "Teixeira", "Moreira", "Correia", "Mendes", "Nunes", "da Silva", "dos Santos",
        ],
        Group::Arabic => &[
            "Al-Hassan", "Haddad", "Nasser", "Mansour", "Saleh", "Abdullah", "Ibrahim", "Khalil", "Hamdan", "El-Amin",
            "Said", "Yousef", "Hamid", "Al-Rashid", "Khoury",
        ],
        Group::GreekCypriot => &[
            "Georgiou", "Christodoulou", "Constantinou", "Ioannou", "Papadopoulos", "Demetriou", "Charalambous", "Nicolaou", "Kyriacou", "Panayiotou",
        ],
        Group::Italian => &[
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        ],
    }
}

/// Common English nicknames and short forms, as `(nickname, formal name)`.
///
/// A nickname may stand for several formal names (`Sam` for Samuel and
/// Samantha); linkage should treat each pair as a possible equivalence.
pub const NICKNAMES: &[(&str, &str)] = &[
    ("Bob", "Robert"),
    ("Rob", "Robert"),
    ("Bobby", "Robert"),
    ("Robbie", "Robert"),
    ("Bill", "William"),
    ("Will", "William"),
    ("Billy", "William"),
    ("Peggy", "Margaret"),
    ("Maggie", "Margaret"),
    ("Meg", "Margaret"),
    ("Liz", "Elizabeth"),
    ("Beth", "Elizabeth"),
    ("Betty", "Elizabeth"),
    ("Lizzie", "Elizabeth"),
    ("Jim", "James"),
    ("Jimmy", "James"),
    ("Jamie", "James"),
    ("Jack", "John"),
    ("Johnny", "John"),
    ("Kate", "Katherine"),
    ("Katie", "Katherine"),
    ("Kathy", "Katherine"),
    ("Kate", "Catherine"),
    ("Cathy", "Catherine"),
    ("Kath", "Kathleen"),
    ("Tony", "Anthony"),
    ("Dave", "David"),
    ("Davey", "David"),
    ("Mike", "Michael"),
    ("Mick", "Michael"),
    ("Sue", "Susan"),
    ("Susie", "Susan"),
    ("Tom", "Thomas"),
    ("Tommy", "Thomas"),
    ("Alex", "Alexander"),
    ("Sam", "Samuel"),
    ("Sam", "Samantha"),
    ("Dan", "Daniel"),
    ("Danny", "Daniel"),
    ("Chris", "Christopher"),
    ("Chris", "Christine"),
    ("Nick", "Nicholas"),
    ("Pat", "Patricia"),
    ("Pat", "Patrick"),
    ("Paddy", "Patrick"),
    ("Dot", "Dorothy"),
    ("Dotty", "Dorothy"),
    ("Ted", "Edward"),
    ("Ed", "Edward"),
    ("Eddie", "Edward"),
    ("Steve", "Steven"),
    ("Steve", "Stephen"),
    ("Andy", "Andrew"),
    ("Drew", "Andrew"),
    ("Rick", "Richard"),
    ("Dick", "Richard"),
    ("Rich", "Richard"),
    ("Matt", "Matthew"),
    ("Ben", "Benjamin"),
    ("Pete", "Peter"),
    ("Phil", "Philip"),
    ("Ken", "Kenneth"),
    ("Kenny", "Kenneth"),
    ("Ron", "Ronald"),
    ("Ronnie", "Ronald"),
    ("Tim", "Timothy"),
    ("Josh", "Joshua"),
    ("Jon", "Jonathan"),
    ("Nate", "Nathan"),
    ("Fred", "Frederick"),
    ("Freddie", "Frederick"),
    ("Bert", "Albert"),
    ("Terry", "Terence"),
    ("Ray", "Raymond"),
    ("Len", "Leonard"),
    ("Lenny", "Leonard"),
    ("Gerry", "Gerald"),
    ("Doug", "Douglas"),
    ("Harry", "Henry"),
    ("Charlie", "Charles"),
    ("Stan", "Stanley"),
    ("Joe", "Joseph"),
    ("Jen", "Jennifer"),
    ("Jenny", "Jennifer"),
    ("Debbie", "Deborah"),
    ("Becky", "Rebecca"),
    ("Vicky", "Victoria"),
    ("Jackie", "Jacqueline"),
    ("Pam", "Pamela"),
    ("Gill", "Gillian"),
    ("Jill", "Gillian"),
    ("Mandy", "Amanda"),
    ("Jo", "Joanne"),
    ("Val", "Valerie"),
    ("Abby", "Abigail"),
    ("Kim", "Kimberley"),
    ("Fran", "Frances"),
    ("Judy", "Judith"),
    ("Annie", "Ann"),
    ("Mo", "Mohammed"),
    ("Mo", "Muhammad"),
    ("Tunde", "Babatunde"),
    ("Femi", "Olufemi"),
    ("Seun", "Oluwaseun"),
    ("Emeka", "Chukwuemeka"),
    ("Kasia", "Katarzyna"),
    ("Gosia", "Małgorzata"),
    ("Tomek", "Tomasz"),
    ("Kuba", "Jakub"),
    ("Manny", "Emmanuel"),
];

/// Spelling and transliteration variants an agency may write instead.
pub(crate) const SPELLING_VARIANTS: &[(&str, &str)] = &[
    ("Mohammed", "Mohammad"),
    ("Mohammed", "Muhammed"),
    ("Muhammad", "Mohammed"),
    ("Mohamed", "Mohammed"),
    ("Hussain", "Hussein"),
    ("Ahmed", "Ahmad"),
    ("Chowdhury", "Choudhury"),
    ("Chowdhury", "Chaudhry"),
    ("Hossain", "Hussain"),
    ("Stephen", "Steven"),
    ("Steven", "Stephen"),
    ("Catherine", "Katherine"),
    ("Katherine", "Catherine"),
    ("Jacqueline", "Jaqueline"),
    ("Philip", "Phillip"),
    ("Geoffrey", "Jeffrey"),
    ("Yusuf", "Yousef"),
    ("Ayesha", "Aisha"),
    ("Fatima", "Fatimah"),
    ("Zainab", "Zaynab"),
    ("Thompson", "Thomson"),
    ("Clarke", "Clark"),
    ("MacDonald", "McDonald"),
    ("MacLeod", "McLeod"),
    ("Davies", "Davis"),
    ("Abdullahi", "Abdulahi"),
    ("Oluwaseun", "Oluwaseyi"),
];

/// Street name stems; combined with [`STREET_SUFFIXES`].
pub(crate) const STREET_STEMS: &[&str] = &[
    "Albion", "Victoria", "Queens", "Kings", "Church", "Park", "Station", "Mill", "Manor", "Elm",
    "Oak", "Cedar", "Beech", "Ash", "Willow", "Chestnut", "Maple", "Hawthorn", "Holly", "Laurel",
    "Rosebery", "Cromwell", "Wellington", "Nelson", "Trafalgar", "Waterloo", "Balmoral", "Windsor", "Richmond", "York",
    "Gloucester", "Devonshire", "Cavendish", "Grosvenor", "Portland", "Stanhope", "Gordon", "Clarence", "Alexandra", "Princes",
    "Marlborough", "Melbourne", "Sydney", "Canterbury", "Salisbury", "Lancaster", "Leicester", "Bedford", "Russell", "Tavistock",
    "Argyle", "Caledonian", "Highbury", "Hillside", "Highfield", "Fairfield", "Greenfield", "Springfield", "Brookfield", "Meadow",
    "Orchard", "Rectory", "Vicarage", "Priory", "Abbey", "Chapel", "Market", "Bridge", "Canal", "River",
    "Wharf", "Railway", "Mortimer", "Shaftesbury", "Ladbroke", "Elgin", "Cambridge", "Oxford", "Denmark", "Sussex",
    "Kent", "Essex", "Surrey", "Somerset", "Dorset", "Devon", "Cornwall", "Norfolk", "Suffolk", "Chester",
    "Warwick", "Stafford", "Lincoln", "Durham", "Cumberland", "Hanover", "Brunswick", "Coburg", "Albert", "Arundel",
    "Belgrave", "Eaton", "Ferndale", "Lordship", "Woodland", "Woodside", "Forest", "Heath", "Grange", "Lodge",
    "Mount", "Tower", "Castle", "Crown", "Anchor", "Swan", "Kingsley", "Milton", "Shakespeare", "Tennyson",
    "Byron", "Keats", "Shelley", "Chaucer", "Dickens", "Wordsworth", "Darwin", "Newton", "Faraday", "Stephenson",
    "Brunel", "Telford", "Nightingale", "Seacole", "Attlee", "Bevan", "Lansbury", "Ravenscroft", "Ashburnham", "Bramley",
    "Coldharbour", "Ivydale", "Elmhurst", "Thornhill", "Sandringham", "Burdett", "Cable", "Sterling", "Harcourt", "Beaumont",
    "St John's", "St Mary's", "St Paul's", "Lady Margaret", "Queen's Park",
];

/// Street suffixes with relative frequency and the abbreviation agencies use.
pub(crate) const STREET_SUFFIXES: &[(&str, f64, &str)] = &[
    ("Road", 30.0, "Rd"),
    ("Street", 18.0, "St"),
    ("Avenue", 8.0, "Ave"),
    ("Close", 7.0, "Cl"),
    ("Gardens", 6.0, "Gdns"),
    ("Grove", 5.0, "Gr"),
    ("Lane", 5.0, "Ln"),
    ("Way", 4.0, "Way"),
    ("Court", 3.0, "Ct"),
    ("Terrace", 3.0, "Terr"),
    ("Crescent", 3.0, "Cres"),
    ("Place", 3.0, "Pl"),
    ("Drive", 3.0, "Dr"),
    ("Square", 1.0, "Sq"),
    ("Walk", 1.0, "Wlk"),
    ("Mews", 1.0, "Mews"),
    ("Hill", 1.0, "Hill"),
    ("Rise", 1.0, "Rise"),
    ("Row", 1.0, "Row"),
];

/// Names of town-centre streets, where police context crime clusters.
pub(crate) const TOWN_CENTRE_STREETS: &[(&str, &str)] = &[
    ("High", "Street"),
    ("High", "Road"),
    ("The", "Broadway"),
    ("Station", "Road"),
    ("Market", "Street"),
    ("Church", "Street"),
    ("King", "Street"),
    ("London", "Road"),
    ("Broad", "Street"),
    ("Parade", "Road"),
];

/// Names for blocks of flats (`<stem> House`).
pub(crate) const BLOCK_SUFFIXES: &[&str] = &["House", "Court", "Tower", "Point", "Lodge", "Mansions"];

/// Places a repeat location may be.
pub(crate) const REPEAT_PLACES: &[&str] = &[
    "the convenience store",
    "the off-licence",
    "the chicken shop",
    "the launderette",
    "the betting shop",
    "the bus stop",
    "the main entrance",
    "the car park",
    "the community centre",
    "the phone box",
];

/// Short bland summaries by category; none describes a real event.
pub(crate) fn summaries(category: &str) -> &'static [&'static str] {
    match category {
        "noise" => &[
            "Caller reports loud music from a neighbouring property late at night.",
            "Repeated banging and shouting heard through the wall.",
            "Noise from parties at the flat above most weekends.",
            "Dog barking for long periods, neighbour not responding to letters.",
        ],
        "nuisance" => &[
            "Group gathering outside the block, leaving litter and blocking the entrance.",
            "Rubbish dumped in the shared garden again.",
            "Cars parked across the driveway, dispute over parking.",
            "Smell of cannabis in the communal stairwell.",
            "Youths kicking a ball against the front window.",
        ],
        "verbal_abuse" => &[
            "Neighbour shouted abuse at the caller in the street.",
            "Caller was sworn at on the landing.",
            "Abusive comments made when the caller left the flat.",
            "Name calling from a group on the estate.",
        ],
        "harassment" => &[
            "Neighbour keeps knocking on the door and filming the caller.",
            "Repeated unwanted contact after an earlier disagreement.",
            "Caller says they are watched and followed around the estate.",
            "Notes pushed through the letterbox.",
        ],
        "intimidation" => &[
            "Group stood outside the door staring and laughing.",
            "Neighbour blocked the path and would not let the caller pass.",
            "Caller feels intimidated going to the shops.",
        ],
        "criminal_damage" => &[
            "Car tyres let down overnight.",
            "Front door kicked and paint scratched.",
            "Plant pots smashed and fence panel broken.",
            "Window cracked by a thrown object.",
        ],
        "assault" => &[
            "Caller pushed over outside the block.",
            "Caller punched during an argument over parking.",
            "Caller grabbed by the arm and shoved against a wall.",
        ],
        "threats" => &[
            "Neighbour threatened to hurt the caller.",
            "Threat to damage the caller's car.",
            "Caller told they would be made to leave the area.",
        ],
        "theft" => &[
            "Parcel taken from the doorstep.",
            "Bicycle taken from the communal bike store.",
            "Phone snatched near the shops.",
        ],
        "financial_abuse" => &[
            "Concern that a relative is taking the person's pension.",
            "Person pressured to hand over bank card.",
            "Unexplained withdrawals from the person's account.",
        ],
        "neglect" => &[
            "Person found without food or heating.",
            "Carer not attending, person left unwashed.",
            "Concern about self-neglect and hoarding.",
        ],
        "online" => &[
            "Abusive messages sent on social media.",
            "Photos of the caller's home posted online with comments.",
            "Threatening messages received by text.",
        ],
        _ => &["Report received."],
    }
}

/// Extra summary text hinting at disability without naming a hate strand.
pub(crate) const DISABILITY_HINTS: &[&str] = &[
    "Neighbour mocks the way the caller speaks.",
    "Group copies the caller's walk and laughs.",
    "Caller is called names about their wheelchair.",
    "Neighbour says the caller should be put in a home.",
    "Caller's mobility scooter was tipped over.",
];

/// Outcomes by agency slug.
pub(crate) fn outcomes(agency: &str) -> &'static [&'static str] {
    match agency {
        "met-police" => &[
            "No further action",
            "Words of advice given",
            "Crime report created",
            "Referred to council ASB team",
            "Suspect arrested",
            "Community resolution",
            "Investigation ongoing",
        ],
        "council-asb" => &[
            "Warning letter sent",
            "Community protection warning issued",
            "Mediation offered",
            "Case closed",
            "Diary sheets sent",
            "Noise monitoring installed",
        ],
        "housing" => &[
            "Tenancy warning issued",
            "Acceptable behaviour contract",
            "Visit arranged",
            "Case closed",
            "Referred to mediation",
        ],
        "adult-social-care" => &[
            "Section 42 enquiry opened",
            "Information and advice",
            "Care package reviewed",
            "No further action",
            "Referred to GP",
        ],
        _ => &["Support offered", "Signposted", "Case closed"],
    }
}
