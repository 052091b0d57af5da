//! The embedded London default behind [`Areas::london`]: the 33 London
//! local authorities (32 boroughs and the City of London) at full
//! resolution, grouped into the Metropolitan Police's 12 BCUs plus the City.
//!
//! The boundaries are the London Datastore's "Statistical GIS Boundary Files
//! for London", `London_Borough_Excluding_MHW` (boroughs clipped to mean high
//! water: the tidal Thames is in no borough), under the Open Government
//! Licence v3.0, vendored unchanged in `fixtures/london-boroughs/` (its
//! README gives the source). They are embedded in the compact form of
//! [`crate::packed`] (`data/london-boroughs.bin`: National Grid metres to
//! 0.1 m, converted from the file's WGS84 with [`wgs84_to_bng`], the same
//! conversion every lat/lon input goes through); a test checks that file
//! against the vendored GeoJSON, vertex by vertex, and rewrites it when
//! `MARAC_WRITE_BOUNDARIES=1` is set.
//!
//! The table below gives each borough's BCU (as in the Met's BCU list and
//! the GeoJSON's `bcu` / `bcu_code` properties, which the test compares) and
//! the spellings agencies use for it.

use std::sync::Arc;

use geo::MultiPolygon;

use crate::areas::{Area, Areas, Bcu};

/// The notice the Open Government Licence requires wherever the embedded
/// London boundaries are shown or passed on: the README, the `--help` of
/// every command that uses them, and every map.
pub const LONDON_ATTRIBUTION: &str =
    "Contains National Statistics data © Crown copyright and database right 2014. \
     Contains Ordnance Survey data © Crown copyright and database right 2014.";

/// The boundaries, in the table's area order (BCU by BCU, then the City).
static PACKED: &[u8] = include_bytes!("../data/london-boroughs.bin");

/// Name and code of the City of London's own BCU (the City of London Police
/// area, not a Met BCU).
const CITY_NAME: &str = "City of London";
const CITY_CODE: &str = "CoL";

/// A borough: canonical name (as in the boundary file's `area` property) and
/// extra spellings for [`Areas::resolve_area`].
struct Borough {
    name: &'static str,
    aliases: &'static [&'static str],
}

/// The Met's BCUs in their conventional order, each with its boroughs.
const BCUS: &[(&str, &str, &[Borough])] = &[
    (
        "Central West",
        "CW",
        &[
            Borough {
                name: "Westminster",
                aliases: &["City of Westminster", "Westminster City", "WCC"],
            },
            Borough {
                name: "Kensington and Chelsea",
                aliases: &["RBKC", "K&C", "KC", "Kensington", "Chelsea"],
            },
            Borough {
                name: "Hammersmith and Fulham",
                aliases: &["LBHF", "H&F", "HF", "Hammersmith", "Fulham"],
            },
        ],
    ),
    (
        "Central North",
        "CN",
        &[
            Borough {
                name: "Camden",
                aliases: &[],
            },
            Borough {
                name: "Islington",
                aliases: &[],
            },
        ],
    ),
    (
        "Central East",
        "CE",
        &[
            Borough {
                name: "Hackney",
                aliases: &[],
            },
            Borough {
                name: "Tower Hamlets",
                aliases: &["LBTH", "Towerhamlets"],
            },
        ],
    ),
    (
        "Central South",
        "AS",
        &[
            Borough {
                name: "Lambeth",
                aliases: &[],
            },
            Borough {
                name: "Southwark",
                aliases: &[],
            },
        ],
    ),
    (
        "North",
        "NA",
        &[
            Borough {
                name: "Enfield",
                aliases: &[],
            },
            Borough {
                name: "Haringey",
                aliases: &["Haringay", "Harringay", "Harringey"],
            },
        ],
    ),
    (
        "North West",
        "NW",
        &[
            Borough {
                name: "Barnet",
                aliases: &[],
            },
            Borough {
                name: "Brent",
                aliases: &[],
            },
            Borough {
                name: "Harrow",
                aliases: &[],
            },
        ],
    ),
    (
        "North East",
        "NE",
        &[
            Borough {
                name: "Newham",
                aliases: &[],
            },
            Borough {
                name: "Waltham Forest",
                aliases: &["LBWF", "Walthamforest"],
            },
        ],
    ),
    (
        "East",
        "EA",
        &[
            Borough {
                name: "Barking and Dagenham",
                aliases: &["LBBD", "B&D", "Barking", "Dagenham"],
            },
            Borough {
                name: "Havering",
                aliases: &[],
            },
            Borough {
                name: "Redbridge",
                aliases: &[],
            },
        ],
    ),
    (
        "South East",
        "SE",
        &[
            Borough {
                name: "Bexley",
                aliases: &[],
            },
            Borough {
                name: "Greenwich",
                aliases: &["Royal Greenwich", "Royal Borough of Greenwich"],
            },
            Borough {
                name: "Lewisham",
                aliases: &[],
            },
        ],
    ),
    (
        "South",
        "SN",
        &[
            Borough {
                name: "Bromley",
                aliases: &[],
            },
            Borough {
                name: "Croydon",
                aliases: &[],
            },
            Borough {
                name: "Sutton",
                aliases: &[],
            },
        ],
    ),
    (
        "South West",
        "SW",
        &[
            Borough {
                name: "Kingston upon Thames",
                aliases: &["Kingston", "Kingston on Thames", "RBK"],
            },
            Borough {
                name: "Merton",
                aliases: &[],
            },
            Borough {
                name: "Richmond upon Thames",
                aliases: &["Richmond", "Richmond on Thames", "LBRuT"],
            },
            Borough {
                name: "Wandsworth",
                aliases: &[],
            },
        ],
    ),
    (
        "West",
        "WA",
        &[
            Borough {
                name: "Ealing",
                aliases: &[],
            },
            Borough {
                name: "Hillingdon",
                aliases: &[],
            },
            Borough {
                name: "Hounslow",
                aliases: &[],
            },
        ],
    ),
];

/// Spellings of the City of London.
const CITY_ALIASES: &[&str] = &[
    "City",
    "The City",
    "Square Mile",
    "City of London Corporation",
    "Corporation of London",
];

/// Builds the embedded default. Called once, through a `OnceLock`.
///
/// The boundaries are decoded from [`PACKED`]; were that ever malformed (a
/// test checks it is not) every area would be empty and place nothing,
/// rather than the process stopping.
pub(crate) fn build() -> Areas {
    let mut polygons = crate::packed::decode(PACKED)
        .unwrap_or_default()
        .into_iter();
    let mut polygon = || polygons.next().unwrap_or_else(|| MultiPolygon(vec![]));
    let city_name: Arc<str> = Arc::from(CITY_NAME);
    let mut areas = Vec::new();
    let mut bcus = Vec::new();
    let mut aliases: Vec<(&str, &str)> = Vec::new();
    for (bcu_name, code, boroughs) in BCUS {
        let bcu_name: Arc<str> = Arc::from(*bcu_name);
        let mut names = Vec::new();
        for borough in *boroughs {
            let name: Arc<str> = Arc::from(borough.name);
            names.push(name.clone());
            areas.push(Area {
                name,
                bcu: bcu_name.clone(),
                polygon: polygon(),
            });
            aliases.extend(borough.aliases.iter().map(|a| (*a, borough.name)));
        }
        bcus.push(Bcu {
            name: bcu_name,
            code: Some(Arc::from(*code)),
            areas: names,
        });
    }
    areas.push(Area {
        name: city_name.clone(),
        bcu: city_name.clone(),
        polygon: polygon(),
    });
    bcus.push(Bcu {
        name: city_name.clone(),
        code: Some(Arc::from(CITY_CODE)),
        areas: vec![city_name],
    });
    aliases.extend(CITY_ALIASES.iter().map(|a| (*a, CITY_NAME)));
    Areas::build(areas, bcus, &aliases, Some(LONDON_ATTRIBUTION.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bng::wgs84_to_bng;
    use marac_model::LatLon;

    /// Well-known places and the borough they are in.
    const PLACES: &[(&str, f64, f64, &str)] = &[
        ("Camden Town", 51.539, -0.1426, "Camden"),
        ("Brixton", 51.4613, -0.1156, "Lambeth"),
        ("Croydon", 51.3762, -0.0982, "Croydon"),
        ("Romford", 51.5768, 0.1801, "Havering"),
        ("Uxbridge", 51.5461, -0.4793, "Hillingdon"),
        ("Bank", 51.5133, -0.0890, "City of London"),
        ("Trafalgar Square", 51.5080, -0.1281, "Westminster"),
        ("Stratford", 51.5416, -0.0034, "Newham"),
        ("Wimbledon", 51.4214, -0.2064, "Merton"),
        ("Harrow", 51.5806, -0.3420, "Harrow"),
        ("Enfield Town", 51.6522, -0.0808, "Enfield"),
        ("Bexleyheath", 51.4545, 0.1502, "Bexley"),
        ("Kingston", 51.4123, -0.3007, "Kingston upon Thames"),
        ("Hackney Central", 51.5472, -0.0553, "Hackney"),
        ("St Paul's Cathedral", 51.5138, -0.0984, "City of London"),
        ("Liverpool Street", 51.5178, -0.0817, "City of London"),
        ("Oxford Circus", 51.5152, -0.1419, "Westminster"),
        ("Paddington", 51.5154, -0.1755, "Westminster"),
        ("Victoria", 51.4952, -0.1441, "Westminster"),
        (
            "South Kensington",
            51.4941,
            -0.1738,
            "Kensington and Chelsea",
        ),
        (
            "Notting Hill Gate",
            51.5090,
            -0.1967,
            "Kensington and Chelsea",
        ),
        ("Hammersmith", 51.4927, -0.2240, "Hammersmith and Fulham"),
        (
            "Fulham Broadway",
            51.4802,
            -0.1953,
            "Hammersmith and Fulham",
        ),
        (
            "Shepherd's Bush",
            51.5046,
            -0.2187,
            "Hammersmith and Fulham",
        ),
        ("Kentish Town", 51.5503, -0.1404, "Camden"),
        ("Hampstead", 51.5565, -0.1781, "Camden"),
        ("Holloway Road", 51.5526, -0.1132, "Islington"),
        ("Angel", 51.5322, -0.1058, "Islington"),
        ("Dalston", 51.5465, -0.0750, "Hackney"),
        ("Whitechapel", 51.5195, -0.0600, "Tower Hamlets"),
        ("Canary Wharf", 51.5054, -0.0235, "Tower Hamlets"),
        ("Bow", 51.5283, -0.0200, "Tower Hamlets"),
        ("Streatham", 51.4282, -0.1313, "Lambeth"),
        ("Peckham", 51.4700, -0.0693, "Southwark"),
        ("Elephant and Castle", 51.4943, -0.1001, "Southwark"),
        ("Bermondsey", 51.4979, -0.0637, "Southwark"),
        ("Dulwich", 51.4450, -0.0860, "Southwark"),
        ("Tottenham", 51.5975, -0.0681, "Haringey"),
        ("Wood Green", 51.5975, -0.1097, "Haringey"),
        ("Edmonton", 51.6136, -0.0613, "Enfield"),
        ("Barnet", 51.6504, -0.1944, "Barnet"),
        ("Finchley", 51.5990, -0.1871, "Barnet"),
        ("Hendon", 51.5833, -0.2261, "Barnet"),
        ("Wembley", 51.5560, -0.2796, "Brent"),
        ("Kilburn", 51.5470, -0.2047, "Brent"),
        ("Stanmore", 51.6194, -0.3028, "Harrow"),
        ("East Ham", 51.5394, 0.0518, "Newham"),
        ("Walthamstow", 51.5830, -0.0199, "Waltham Forest"),
        ("Leyton", 51.5683, -0.0083, "Waltham Forest"),
        ("Chingford", 51.6331, 0.0099, "Waltham Forest"),
        ("Barking", 51.5396, 0.0810, "Barking and Dagenham"),
        ("Dagenham", 51.5446, 0.1659, "Barking and Dagenham"),
        ("Upminster", 51.5590, 0.2510, "Havering"),
        ("Ilford", 51.5590, 0.0741, "Redbridge"),
        ("Woodford", 51.6070, 0.0340, "Redbridge"),
        ("Erith", 51.4816, 0.1780, "Bexley"),
        ("Sidcup", 51.4241, 0.1040, "Bexley"),
        ("Woolwich", 51.4906, 0.0693, "Greenwich"),
        ("Greenwich", 51.4826, -0.0077, "Greenwich"),
        ("Eltham", 51.4510, 0.0520, "Greenwich"),
        ("Lewisham", 51.4615, -0.0139, "Lewisham"),
        ("Catford", 51.4450, -0.0200, "Lewisham"),
        ("Deptford", 51.4780, -0.0260, "Lewisham"),
        ("Bromley", 51.4059, 0.0153, "Bromley"),
        ("Orpington", 51.3731, 0.0985, "Bromley"),
        ("Biggin Hill", 51.3130, 0.0340, "Bromley"),
        ("Purley", 51.3370, -0.1140, "Croydon"),
        ("Thornton Heath", 51.3988, -0.1004, "Croydon"),
        ("Sutton", 51.3618, -0.1945, "Sutton"),
        ("Carshalton", 51.3680, -0.1660, "Sutton"),
        ("Surbiton", 51.3937, -0.3034, "Kingston upon Thames"),
        ("Chessington", 51.3625, -0.3005, "Kingston upon Thames"),
        ("Mitcham", 51.4033, -0.1683, "Merton"),
        ("Morden", 51.4022, -0.1948, "Merton"),
        ("Richmond", 51.4613, -0.3037, "Richmond upon Thames"),
        ("Twickenham", 51.4462, -0.3318, "Richmond upon Thames"),
        ("Putney", 51.4613, -0.2162, "Wandsworth"),
        ("Clapham Junction", 51.4641, -0.1704, "Wandsworth"),
        ("Tooting", 51.4275, -0.1680, "Wandsworth"),
        ("Ealing Broadway", 51.5150, -0.3017, "Ealing"),
        ("Southall", 51.5060, -0.3780, "Ealing"),
        ("Acton", 51.5080, -0.2730, "Ealing"),
        ("Heathrow", 51.4700, -0.4543, "Hillingdon"),
        ("Hayes", 51.5030, -0.4210, "Hillingdon"),
        ("Ruislip", 51.5730, -0.4210, "Hillingdon"),
        ("Hounslow", 51.4680, -0.3610, "Hounslow"),
        ("Feltham", 51.4470, -0.4100, "Hounslow"),
        ("Chiswick", 51.4920, -0.2580, "Hounslow"),
        ("Marylebone", 51.5225, -0.1631, "Westminster"),
        ("Maida Vale", 51.5300, -0.1854, "Westminster"),
        ("Pimlico", 51.4893, -0.1334, "Westminster"),
        ("Earl's Court", 51.4920, -0.1930, "Kensington and Chelsea"),
        ("Ladbroke Grove", 51.5172, -0.2107, "Kensington and Chelsea"),
        ("White City", 51.5120, -0.2240, "Hammersmith and Fulham"),
        ("Euston", 51.5282, -0.1337, "Camden"),
        ("King's Cross", 51.5308, -0.1238, "Camden"),
        ("Holborn", 51.5174, -0.1200, "Camden"),
        ("Highbury", 51.5465, -0.1030, "Islington"),
        ("Archway", 51.5653, -0.1353, "Islington"),
        ("Shoreditch", 51.5265, -0.0780, "Hackney"),
        ("Stoke Newington", 51.5616, -0.0733, "Hackney"),
        ("Vauxhall", 51.4861, -0.1253, "Lambeth"),
        ("West Norwood", 51.4320, -0.1030, "Lambeth"),
        ("Camberwell", 51.4740, -0.0930, "Southwark"),
        ("Rotherhithe", 51.5010, -0.0520, "Southwark"),
        ("Hornsey", 51.5870, -0.1180, "Haringey"),
        ("Muswell Hill", 51.5900, -0.1430, "Haringey"),
        ("Southgate", 51.6320, -0.1280, "Enfield"),
        ("Golders Green", 51.5724, -0.1941, "Barnet"),
        ("Edgware", 51.6137, -0.2750, "Barnet"),
        ("Willesden", 51.5490, -0.2220, "Brent"),
        ("Neasden", 51.5540, -0.2500, "Brent"),
        ("Pinner", 51.5930, -0.3810, "Harrow"),
        ("Canning Town", 51.5147, 0.0082, "Newham"),
        ("Beckton", 51.5146, 0.0615, "Newham"),
        ("Becontree", 51.5520, 0.1290, "Barking and Dagenham"),
        ("Hornchurch", 51.5540, 0.2180, "Havering"),
        ("Rainham", 51.5170, 0.1900, "Havering"),
        ("Gants Hill", 51.5765, 0.0662, "Redbridge"),
        ("Hainault", 51.6030, 0.0930, "Redbridge"),
        ("Charlton", 51.4860, 0.0310, "Greenwich"),
        ("Sydenham", 51.4270, -0.0540, "Lewisham"),
        ("Forest Hill", 51.4390, -0.0530, "Lewisham"),
        ("Beckenham", 51.4080, -0.0260, "Bromley"),
        ("Chislehurst", 51.4170, 0.0680, "Bromley"),
        ("Penge", 51.4170, -0.0590, "Bromley"),
        ("Norbury", 51.4110, -0.1220, "Croydon"),
        ("South Norwood", 51.3990, -0.0750, "Croydon"),
        ("New Addington", 51.3430, -0.0160, "Croydon"),
        ("Coulsdon", 51.3190, -0.1390, "Croydon"),
        ("Wallington", 51.3600, -0.1510, "Sutton"),
        ("Cheam", 51.3590, -0.2140, "Sutton"),
        ("New Malden", 51.4030, -0.2560, "Kingston upon Thames"),
        ("Tolworth", 51.3790, -0.2820, "Kingston upon Thames"),
        ("Raynes Park", 51.4090, -0.2300, "Merton"),
        ("Colliers Wood", 51.4180, -0.1780, "Merton"),
        ("Barnes", 51.4720, -0.2430, "Richmond upon Thames"),
        ("Teddington", 51.4270, -0.3320, "Richmond upon Thames"),
        ("Hampton", 51.4160, -0.3680, "Richmond upon Thames"),
        ("Battersea", 51.4750, -0.1560, "Wandsworth"),
        ("Balham", 51.4430, -0.1520, "Wandsworth"),
        ("Roehampton", 51.4500, -0.2400, "Wandsworth"),
        ("Hanwell", 51.5090, -0.3380, "Ealing"),
        ("Greenford", 51.5280, -0.3550, "Ealing"),
        ("Northolt", 51.5480, -0.3680, "Ealing"),
        ("West Drayton", 51.5080, -0.4720, "Hillingdon"),
        ("Northwood", 51.6110, -0.4240, "Hillingdon"),
        ("Isleworth", 51.4750, -0.3360, "Hounslow"),
        ("Brentford", 51.4860, -0.3090, "Hounslow"),
        ("Cranford", 51.4820, -0.4150, "Hounslow"),
        ("Kew Gardens", 51.4787, -0.2950, "Richmond upon Thames"),
        ("Mortlake", 51.4680, -0.2670, "Richmond upon Thames"),
        ("Whitton", 51.4490, -0.3570, "Richmond upon Thames"),
        ("Osterley", 51.4810, -0.3520, "Hounslow"),
        ("Bedfont", 51.4500, -0.4300, "Hounslow"),
        ("Gunnersbury", 51.4918, -0.2750, "Hounslow"),
        ("Turnham Green", 51.4950, -0.2540, "Hounslow"),
        ("Acton Town", 51.5030, -0.2800, "Ealing"),
        ("Southfields", 51.4450, -0.2060, "Wandsworth"),
        ("Earlsfield", 51.4420, -0.1880, "Wandsworth"),
        ("Streatham Common", 51.4190, -0.1360, "Lambeth"),
        ("Crystal Palace Park", 51.4200, -0.0730, "Bromley"),
        ("Brockley", 51.4640, -0.0370, "Lewisham"),
        ("New Cross", 51.4760, -0.0330, "Lewisham"),
        ("Surrey Quays", 51.4930, -0.0480, "Southwark"),
        ("Lee", 51.4500, 0.0130, "Lewisham"),
        ("Kidbrooke", 51.4620, 0.0280, "Greenwich"),
        ("Plumstead", 51.4840, 0.0840, "Greenwich"),
        ("Welling", 51.4620, 0.1070, "Bexley"),
        ("Grove Park", 51.4310, 0.0220, "Lewisham"),
        ("West Wickham", 51.3760, -0.0190, "Bromley"),
        ("Hayes (Bromley)", 51.3760, 0.0100, "Bromley"),
        ("Shirley", 51.3800, -0.0500, "Croydon"),
        ("Addiscombe", 51.3800, -0.0740, "Croydon"),
        ("Selhurst", 51.3920, -0.0890, "Croydon"),
        ("Hackbridge", 51.3780, -0.1540, "Sutton"),
        ("Kingston Vale", 51.4320, -0.2600, "Kingston upon Thames"),
        ("Norbiton", 51.4100, -0.2870, "Kingston upon Thames"),
        ("Tulse Hill", 51.4400, -0.1040, "Lambeth"),
        ("Herne Hill", 51.4530, -0.1020, "Lambeth"),
        ("Stockwell", 51.4720, -0.1230, "Lambeth"),
        ("Nunhead", 51.4670, -0.0520, "Southwark"),
        ("East Dulwich", 51.4610, -0.0800, "Southwark"),
        ("Crouch End", 51.5790, -0.1230, "Haringey"),
        ("Tufnell Park", 51.5565, -0.1380, "Islington"),
        ("Finsbury Park", 51.5640, -0.1065, "Islington"),
        ("Seven Sisters", 51.5822, -0.0749, "Haringey"),
        ("Stamford Hill", 51.5710, -0.0730, "Hackney"),
        ("Clapton", 51.5610, -0.0570, "Hackney"),
        ("Homerton", 51.5470, -0.0420, "Hackney"),
        ("Mile End", 51.5250, -0.0330, "Tower Hamlets"),
        ("Poplar", 51.5080, -0.0170, "Tower Hamlets"),
        ("Limehouse", 51.5120, -0.0390, "Tower Hamlets"),
        ("Wapping", 51.5040, -0.0560, "Tower Hamlets"),
        ("Leytonstone", 51.5680, 0.0080, "Waltham Forest"),
        ("Forest Gate", 51.5490, 0.0240, "Newham"),
        ("Plaistow", 51.5310, 0.0170, "Newham"),
        ("Manor Park", 51.5520, 0.0460, "Newham"),
        ("Wanstead", 51.5760, 0.0290, "Redbridge"),
        ("Seven Kings", 51.5640, 0.0970, "Redbridge"),
        ("Goodmayes", 51.5660, 0.1110, "Redbridge"),
        ("Collier Row", 51.5980, 0.1630, "Havering"),
        ("Harold Hill", 51.6050, 0.2330, "Havering"),
        ("Elm Park", 51.5490, 0.1980, "Havering"),
        ("Highams Park", 51.6080, -0.0010, "Waltham Forest"),
        ("Ponders End", 51.6430, -0.0350, "Enfield"),
        ("Palmers Green", 51.6180, -0.1100, "Enfield"),
        ("Winchmore Hill", 51.6340, -0.1010, "Enfield"),
        ("New Barnet", 51.6480, -0.1730, "Barnet"),
        ("Mill Hill", 51.6150, -0.2310, "Barnet"),
        ("Colindale", 51.5950, -0.2500, "Barnet"),
        ("Burnt Oak", 51.6030, -0.2640, "Barnet"),
        ("Kingsbury", 51.5850, -0.2790, "Brent"),
        ("Harlesden", 51.5370, -0.2570, "Brent"),
        ("Queen's Park", 51.5340, -0.2050, "Brent"),
        ("Sudbury", 51.5540, -0.3150, "Brent"),
        ("Alperton", 51.5410, -0.2990, "Brent"),
        ("Wealdstone", 51.5960, -0.3340, "Harrow"),
        ("Rayners Lane", 51.5750, -0.3710, "Harrow"),
        ("South Harrow", 51.5650, -0.3520, "Harrow"),
        ("Hatch End", 51.6090, -0.3680, "Harrow"),
        ("Eastcote", 51.5770, -0.3970, "Hillingdon"),
        ("Ickenham", 51.5620, -0.4420, "Hillingdon"),
        ("Yeading", 51.5300, -0.3980, "Hillingdon"),
        ("Perivale", 51.5370, -0.3230, "Ealing"),
        ("Park Royal", 51.5270, -0.2840, "Ealing"),
        ("Bayswater", 51.5120, -0.1880, "Westminster"),
        ("St John's Wood", 51.5347, -0.1740, "Westminster"),
        ("Belgravia", 51.4980, -0.1530, "Westminster"),
        ("Sloane Square", 51.4924, -0.1565, "Kensington and Chelsea"),
        ("Holland Park", 51.5075, -0.2060, "Kensington and Chelsea"),
        ("World's End", 51.4820, -0.1800, "Kensington and Chelsea"),
        ("Parsons Green", 51.4750, -0.2010, "Hammersmith and Fulham"),
        ("Barons Court", 51.4900, -0.2130, "Hammersmith and Fulham"),
        ("Swiss Cottage", 51.5430, -0.1740, "Camden"),
        ("Belsize Park", 51.5500, -0.1640, "Camden"),
        ("West Hampstead", 51.5470, -0.1910, "Camden"),
        ("Gospel Oak", 51.5550, -0.1510, "Camden"),
        ("Russell Square", 51.5230, -0.1244, "Camden"),
        ("Barnsbury", 51.5410, -0.1150, "Islington"),
        ("Clerkenwell", 51.5240, -0.1050, "Islington"),
        ("Farringdon", 51.5203, -0.1053, "Islington"),
        ("Waterloo", 51.5033, -0.1147, "Lambeth"),
        ("Borough Market", 51.5055, -0.0910, "Southwark"),
        ("Tower of London", 51.5081, -0.0759, "Tower Hamlets"),
        ("Fenchurch Street", 51.5115, -0.0786, "City of London"),
        ("Barbican", 51.5201, -0.0940, "City of London"),
    ];

    fn locate_name(areas: &Areas, lat: f64, lon: f64) -> Option<&str> {
        areas
            .locate(wgs84_to_bng(LatLon { lat, lon }))
            .map(|id| &*areas.area(id).name)
    }

    /// Every place in `PLACES` lands in its borough.
    #[test]
    fn places_land_in_their_borough() {
        let london = Areas::london();
        let mut bad = String::new();
        for (place, lat, lon, want) in PLACES {
            let got = locate_name(&london, *lat, *lon);
            if got != Some(*want) {
                bad += &format!("{place}: want {want}, got {got:?}\n");
            }
        }
        assert!(bad.is_empty(), "\n{bad}");
    }

    #[test]
    fn places_outside_london_are_in_no_area() {
        let london = Areas::london();
        let outside = [
            ("Reading", 51.4543, -0.9781),
            ("Brighton", 50.8225, -0.1372),
            ("Watford", 51.6565, -0.3903),
            ("Potters Bar", 51.6980, -0.1800),
            ("Brentwood", 51.6210, 0.3050),
            ("Dartford", 51.4463, 0.2187),
            ("Sevenoaks", 51.2720, 0.1900),
            ("Epsom", 51.3360, -0.2670),
            ("Staines", 51.4340, -0.5110),
            ("Slough", 51.5105, -0.5950),
        ];
        for (place, lat, lon) in outside {
            assert_eq!(locate_name(&london, lat, lon), None, "{place}");
        }
    }

    #[test]
    fn table_shape() {
        let london = Areas::london();
        assert_eq!(london.attribution(), Some(LONDON_ATTRIBUTION));
        assert_eq!(london.areas().len(), 33);
        assert_eq!(london.bcus().len(), 13);
        let order: Vec<(&str, Option<&str>)> = london
            .bcus()
            .iter()
            .map(|b| (&*b.name, b.code.as_deref()))
            .collect();
        assert_eq!(
            order,
            [
                ("Central West", Some("CW")),
                ("Central North", Some("CN")),
                ("Central East", Some("CE")),
                ("Central South", Some("AS")),
                ("North", Some("NA")),
                ("North West", Some("NW")),
                ("North East", Some("NE")),
                ("East", Some("EA")),
                ("South East", Some("SE")),
                ("South", Some("SN")),
                ("South West", Some("SW")),
                ("West", Some("WA")),
                ("City of London", Some("CoL")),
            ]
        );
        let counts: Vec<usize> = london.bcus().iter().map(|b| b.areas.len()).collect();
        assert_eq!(counts, [3, 2, 2, 2, 2, 3, 2, 3, 3, 3, 4, 3, 1]);
        for (id, area) in (0..).zip(london.areas()) {
            // Every area belongs to the BCU that lists it.
            let bcu = london.resolve_bcu(&area.bcu).expect("bcu");
            assert!(bcu.areas.contains(&area.name), "{}", area.name);
            assert_eq!(london.resolve_area(&area.name), Some(id));
        }
        let city = london.area(32);
        assert_eq!(
            (&*city.name, &*city.bcu),
            ("City of London", "City of London")
        );
    }

    #[test]
    fn area_spellings() {
        let london = Areas::london();
        let name = |raw: &str| london.resolve_area(raw).map(|id| &*london.area(id).name);
        let cases = [
            ("Kensington & Chelsea", "Kensington and Chelsea"),
            ("RBKC", "Kensington and Chelsea"),
            ("K&C", "Kensington and Chelsea"),
            (
                "Royal Borough of Kensington and Chelsea",
                "Kensington and Chelsea",
            ),
            ("Hammersmith & Fulham", "Hammersmith and Fulham"),
            ("LBHF", "Hammersmith and Fulham"),
            ("H&F", "Hammersmith and Fulham"),
            ("Barking & Dagenham", "Barking and Dagenham"),
            ("Barking", "Barking and Dagenham"),
            ("Richmond", "Richmond upon Thames"),
            ("Kingston", "Kingston upon Thames"),
            ("Kingston-upon-Thames", "Kingston upon Thames"),
            (
                "Royal Borough of Kingston upon Thames",
                "Kingston upon Thames",
            ),
            ("Tower hamlets", "Tower Hamlets"),
            ("  tower   HAMLETS ", "Tower Hamlets"),
            ("London Borough of Tower Hamlets", "Tower Hamlets"),
            ("City", "City of London"),
            ("City of London", "City of London"),
            ("city of london corporation", "City of London"),
            ("Westminster City Council", "Westminster"),
            ("City of Westminster", "Westminster"),
            ("Waltham Forest", "Waltham Forest"),
            ("Haringay", "Haringey"),
            ("Croydon Council", "Croydon"),
            ("London Borough of Camden", "Camden"),
            ("Camden Borough Council", "Camden"),
            ("Royal Greenwich", "Greenwich"),
        ];
        for (raw, want) in cases {
            assert_eq!(name(raw), Some(want), "{raw}");
        }
        for raw in [
            "",
            "   ",
            "London",
            "Borough",
            "Council",
            "Narnia",
            "unassigned",
            "&",
        ] {
            assert_eq!(name(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn bcu_spellings() {
        let london = Areas::london();
        let name = |raw: &str| london.resolve_bcu(raw).map(|b| &*b.name);
        let cases = [
            ("central north", "Central North"),
            ("CN", "Central North"),
            ("Central North BCU", "Central North"),
            ("central-north bcu", "Central North"),
            ("East Area", "East"),
            ("ea", "East"),
            ("EA BCU", "East"),
            ("City of London", "City of London"),
            ("CoL", "City of London"),
            ("as", "Central South"),
            ("South", "South"),
            ("SN", "South"),
            ("South West BCU", "South West"),
        ];
        for (raw, want) in cases {
            assert_eq!(name(raw), Some(want), "{raw}");
        }
        for raw in ["", "BCU", "Area", "Central", "XX", "Mars BCU"] {
            assert_eq!(name(raw), None, "{raw:?}");
        }
    }

    /// The vendored source, converted to National Grid by `from_geojson_path`
    /// (the same [`wgs84_to_bng`] the embedded form was made with).
    fn source() -> Areas {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/london-boroughs/london-boroughs.geojson");
        Areas::from_geojson_path(&path).expect("the vendored boundaries load")
    }

    /// The source's polygons in the embedded area order.
    fn source_in_table_order(source: &Areas) -> Vec<MultiPolygon<f64>> {
        Areas::london()
            .areas()
            .iter()
            .map(|a| {
                let id = source.resolve_area(&a.name).expect("in the source");
                source.area(id).polygon.clone()
            })
            .collect()
    }

    /// `data/london-boroughs.bin` is exactly the compact form of the
    /// vendored GeoJSON. `MARAC_WRITE_BOUNDARIES=1 cargo test -p marac-geo
    /// embedded_form` rewrites it after the source changes.
    #[test]
    fn embedded_form_is_the_vendored_source() {
        let encoded = crate::packed::encode(&source_in_table_order(&source()));
        if std::env::var_os("MARAC_WRITE_BOUNDARIES").is_some() {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/london-boroughs.bin");
            std::fs::write(&path, &encoded).expect("write the embedded form");
        }
        assert!(
            encoded == PACKED,
            "data/london-boroughs.bin differs from the vendored GeoJSON; \
             run MARAC_WRITE_BOUNDARIES=1 cargo test -p marac-geo embedded_form"
        );
        assert!(PACKED.len() < 250_000, "{} bytes", PACKED.len());
    }

    /// The embedded boundaries against the vendored source: the same 33
    /// names in the same BCUs, the same parts, rings and vertices, every
    /// vertex within the 0.05 m of rounding to a decimetre, the same areas.
    #[test]
    fn embedded_polygons_match_the_source() {
        use geo::{Area as _, Euclidean, Length as _};
        let source = source();
        let london = Areas::london();
        assert_eq!(source.areas().len(), 33);
        let mut source_names: Vec<&str> = source.areas().iter().map(|a| &*a.name).collect();
        let mut names: Vec<&str> = london.areas().iter().map(|a| &*a.name).collect();
        source_names.sort_unstable();
        names.sort_unstable();
        assert_eq!(names, source_names);
        // The file's `bcu` and `bcu_code` properties agree with the table.
        for bcu in source.bcus() {
            let ours = london.resolve_bcu(&bcu.name).expect("known BCU");
            assert_eq!(&*ours.name, &*bcu.name);
            assert_eq!(ours.code, bcu.code, "{}", bcu.name);
            let mut a = ours.areas.clone();
            let mut b = bcu.areas.clone();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{}", bcu.name);
        }
        let mut vertices = 0;
        let (mut total, mut worst) = (0.0, 0.0f64);
        for (ours, theirs) in london.areas().iter().zip(source_in_table_order(&source)) {
            assert_eq!(ours.polygon.0.len(), theirs.0.len(), "{}", ours.name);
            for (p, q) in ours.polygon.0.iter().zip(&theirs.0) {
                assert_eq!(p.interiors().len(), q.interiors().len(), "{}", ours.name);
                let rings = std::iter::once(p.exterior()).chain(p.interiors());
                let theirs = std::iter::once(q.exterior()).chain(q.interiors());
                for (r, s) in rings.zip(theirs) {
                    assert_eq!(r.0.len(), s.0.len(), "{}", ours.name);
                    vertices += r.0.len();
                    for (a, b) in r.0.iter().zip(&s.0) {
                        worst = worst.max((a.x - b.x).abs()).max((a.y - b.y).abs());
                    }
                }
            }
            let (a, b) = (ours.polygon.unsigned_area(), theirs.unsigned_area());
            // Moving every vertex by at most 0.05 m in x and y moves the
            // area by at most 0.071 m times the perimeter.
            let perimeter: f64 = theirs
                .0
                .iter()
                .map(|p| Euclidean.length(p.exterior()))
                .sum();
            assert!(
                (a - b).abs() <= 0.071 * perimeter,
                "{}: {a} m² vs {b} m²",
                ours.name
            );
            total += a;
        }
        assert_eq!(vertices, 48_543);
        assert!(worst <= 0.05 + 1e-6, "worst vertex {worst} m");
        // Greater London: 1,573.4 km² (the union of the 33, no overlaps).
        assert!((total / 1e6 - 1573.4).abs() < 0.6, "{} km²", total / 1e6);
    }

    #[test]
    fn london_is_built_once_and_shared() {
        let a = Areas::london();
        let b = Areas::london();
        assert!(std::ptr::eq(a.areas().as_ptr(), b.areas().as_ptr()));
    }
}
