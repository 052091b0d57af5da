//! The map, element by element: parsed as XML, every part of it checked.

use std::collections::BTreeSet;

use geo::polygon;
use marac_geo::{Areas, LONDON_ATTRIBUTION};
use marac_hotspot::gistar::GiClass;
use marac_model::Bng;
use marac_render::map::{
    areas_of, distance_label, svg, GiKey, Map, MapCell, MapCluster, Marker, SNAP_KEY,
};
use roxmltree::{Document, Node};

const CLASSES: [GiClass; 7] = [
    GiClass::Hot99,
    GiClass::Hot95,
    GiClass::Hot90,
    GiClass::NotSignificant,
    GiClass::Cold90,
    GiClass::Cold95,
    GiClass::Cold99,
];

/// Central North (Camden and Islington) with a cell of every class, a
/// cluster, a repeat location and a snap point.
fn central_north(areas: &Areas) -> Map<'_> {
    Map {
        id: "m".into(),
        title: "Central North BCU: Getis-Ord Gi* hot spots".into(),
        period: "Incidents reported 2024-01-01 to 2024-12-31".into(),
        areas: areas_of(areas, "Central North"),
        attribution: areas.attribution(),
        gi_key: GiKey::HotAndCold,
        cells: CLASSES
            .iter()
            .enumerate()
            .map(|(i, &class)| MapCell {
                x: 528_125.0 + 250.0 * i as f64,
                y: 184_125.0,
                size: 250.0,
                class,
            })
            .collect(),
        clusters: vec![MapCluster {
            number: 7,
            hull: polygon![(x: 530_000., y: 185_000.), (x: 530_400., y: 185_000.), (x: 530_200., y: 185_300.)],
        }],
        markers: vec![
            Marker {
                number: 1,
                x: 529_180.0,
                y: 183_790.0,
                snap: false,
                title: "12 Acacia Rd, NW1 8ZZ: 6 incidents".into(),
            },
            Marker {
                number: 2,
                x: 531_000.0,
                y: 184_500.0,
                snap: true,
                title: "On or near Upper Street: 5 incidents".into(),
            },
        ],
        ..Map::default()
    }
}

fn class_of<'a>(n: &Node<'a, '_>) -> Vec<&'a str> {
    n.attribute("class")
        .map(|c| c.split(' ').collect())
        .unwrap_or_default()
}

fn with_class<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| class_of(n).contains(&class))
        .collect()
}

fn text_of(n: &Node<'_, '_>) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

#[test]
fn the_map_is_xml_with_title_key_scale_bar_north_arrow_and_attribution() {
    let areas = Areas::london();
    let text = svg(&central_north(&areas));
    let doc = Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let title = with_class(&doc, "title");
    assert_eq!(
        text_of(&title[0]),
        "Central North BCU: Getis-Ord Gi* hot spots"
    );
    assert_eq!(
        text_of(&with_class(&doc, "period")[0]),
        "Incidents reported 2024-01-01 to 2024-12-31"
    );
    // The key: every layer drawn has its line.
    let key: Vec<String> = with_class(&doc, "key").iter().map(text_of).collect();
    for line in [
        "BCU boundary",
        "Borough of the BCU",
        "Neighbouring borough",
        "Hot spot, 99 % confidence",
        "Hot spot, 95 % confidence",
        "Hot spot, 90 % confidence",
        "Cold spot, 90 % confidence",
        "Cold spot, 95 % confidence",
        "Cold spot, 99 % confidence",
        "DBSCAN cluster, numbered as in the table",
        "Repeat location, numbered as in the table",
        SNAP_KEY,
    ] {
        assert!(key.iter().any(|k| k == line), "{line:?} not in {key:?}");
    }
    assert_eq!(with_class(&doc, "legend").len(), 1);
    // The north arrow: an arrow and an N.
    let north = with_class(&doc, "north-arrow");
    assert_eq!(north.len(), 1);
    assert!(north[0].descendants().any(|n| n.has_tag_name("path")));
    assert_eq!(
        north[0]
            .descendants()
            .find(|n| n.has_tag_name("text"))
            .map(|n| text_of(&n)),
        Some("N".to_string())
    );
    // The scale bar: its label is its length in metres.
    let bar = with_class(&doc, "scale-bar");
    assert_eq!(bar.len(), 1);
    let metres: f64 = bar[0].attribute("data-metres").unwrap().parse().unwrap();
    assert_eq!(
        text_of(&with_class(&doc, "scale-label")[0]),
        distance_label(metres)
    );
    let frame = central_north(&areas).frame();
    let width: f64 = with_class(&doc, "bar")[0]
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    assert!((width - metres * frame.scale).abs() <= 0.05, "{width}");
    // The attribution, word for word.
    let lines: Vec<String> = with_class(&doc, "attribution")[0]
        .children()
        .map(|t| text_of(&t))
        .collect();
    assert_eq!(lines.join(" "), LONDON_ATTRIBUTION);
}

#[test]
fn the_scale_bar_shows_a_round_distance_at_its_true_length() {
    // Two markers 11,574.07 m apart: with the 4 % margins the frame is
    // 12,500 m wide, drawn 640 px wide, so 0.0512 px a metre; a fifth of
    // the width is 2,500 m, and the round distance below it is 2 km.
    let map = Map {
        id: "s".into(),
        markers: [0.0, 12_500.0 / 1.08]
            .iter()
            .enumerate()
            .map(|(i, &x)| Marker {
                number: i + 1,
                x,
                y: 0.0,
                snap: false,
                title: String::new(),
            })
            .collect(),
        ..Map::default()
    };
    let frame = map.frame();
    assert!((frame.rect.width() - 12_500.0).abs() < 1e-6);
    let text = svg(&map);
    let doc = Document::parse(&text).unwrap();
    let bar = &with_class(&doc, "scale-bar")[0];
    assert_eq!(bar.attribute("data-metres"), Some("2000"));
    assert_eq!(with_class(&doc, "bar")[0].attribute("width"), Some("102.4"));
    assert_eq!(text_of(&with_class(&doc, "scale-label")[0]), "2 km");
}

/// BNG metres of a point of the page.
fn bng(frame: &marac_render::map::Frame, x: f64, y: f64) -> Bng {
    Bng {
        easting: frame.rect.min().x + (x - frame.left) / frame.scale,
        northing: frame.rect.max().y - (y - frame.top) / frame.scale,
    }
}

#[test]
fn every_borough_on_the_map_is_named_inside_itself() {
    let areas = Areas::london();
    let map = central_north(&areas);
    let frame = map.frame();
    let text = svg(&map);
    let doc = Document::parse(&text).unwrap();
    let drawn: BTreeSet<&str> = with_class(&doc, "borough")
        .iter()
        .map(|n| n.attribute("data-name").unwrap())
        .collect();
    let labels = with_class(&doc, "borough-label");
    let named: BTreeSet<String> = labels.iter().map(text_of).collect();
    assert_eq!(
        drawn.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
        named
    );
    for b in [
        "Camden",
        "Islington",
        "Barnet",
        "Brent",
        "Haringey",
        "Hackney",
        "Westminster",
        "City of London",
    ] {
        assert!(drawn.contains(b), "{b} is on the map: {drawn:?}");
    }
    assert!(!drawn.contains("Bromley"), "far from Central North");
    // The two boroughs of the BCU are named inside themselves (the label's
    // middle, 4 px above its baseline).
    for label in labels {
        let name = text_of(&label);
        if name != "Camden" && name != "Islington" {
            continue;
        }
        let x: f64 = label.attribute("x").unwrap().parse().unwrap();
        let y: f64 = label.attribute("y").unwrap().parse().unwrap();
        let at = areas
            .locate(bng(&frame, x, y - 4.0))
            .map(|id| &*areas.area(id).name);
        assert_eq!(at, Some(name.as_str()));
    }
}

#[test]
fn cells_carry_their_class_with_a_pattern_for_black_and_white() {
    let areas = Areas::london();
    let text = svg(&central_north(&areas));
    let doc = Document::parse(&text).unwrap();
    let cells = with_class(&doc, "cell");
    let classes: Vec<&str> = cells.iter().map(|c| class_of(c)[1]).collect();
    assert_eq!(
        classes,
        ["hot_99", "hot_95", "hot_90", "cold_90", "cold_95", "cold_99"],
        "every significant cell, none that is not"
    );
    let patterns: BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .map(|n| n.attribute("id").unwrap())
        .collect();
    for (cell, class) in cells.iter().zip(&classes) {
        let id = format!("m-{class}");
        assert_eq!(cell.attribute("fill"), Some(format!("url(#{id})").as_str()));
        assert!(patterns.contains(id.as_str()), "{id}");
        // The key shows the same pattern.
        assert!(with_class(&doc, "swatch")
            .iter()
            .any(|s| class_of(s).contains(class) && s.attribute("fill") == cell.attribute("fill")));
    }
    // Hot and cold are hatched in opposite directions, denser with confidence.
    let pattern = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap()
    };
    assert_eq!(
        pattern("m-hot_99").attribute("patternTransform"),
        Some("rotate(45)")
    );
    assert_eq!(
        pattern("m-cold_99").attribute("patternTransform"),
        Some("rotate(-45)")
    );
    assert_eq!(pattern("m-hot_99").attribute("width"), Some("3"));
    assert_eq!(pattern("m-hot_90").attribute("width"), Some("8"));
}

#[test]
fn markers_are_numbered_and_snap_points_are_diamonds() {
    let areas = Areas::london();
    let text = svg(&central_north(&areas));
    let doc = Document::parse(&text).unwrap();
    let markers = with_class(&doc, "marker");
    assert_eq!(markers.len(), 2);
    for (i, m) in markers.iter().enumerate() {
        let n = (i + 1).to_string();
        assert_eq!(m.attribute("data-row"), Some(n.as_str()));
        let number = m.descendants().find(|d| d.has_tag_name("text")).unwrap();
        assert_eq!(text_of(&number), n);
    }
    assert!(markers[0].descendants().any(|d| d.has_tag_name("circle")));
    assert_eq!(class_of(&markers[1]), ["marker", "snap"]);
    assert!(!markers[1].descendants().any(|d| d.has_tag_name("circle")));
    assert_eq!(markers[1].attribute("data-bng"), Some("531000 184500"));
    let clusters = with_class(&doc, "cluster");
    assert_eq!(clusters[0].attribute("data-cluster"), Some("7"));
    assert_eq!(text_of(&with_class(&doc, "cluster-label")[0]), "7");
}

#[test]
fn outlines_are_simplified_small_and_the_same_every_time() {
    let areas = Areas::london();
    let map = central_north(&areas);
    let text = svg(&map);
    assert_eq!(text, svg(&map), "byte-deterministic");
    let full: usize = areas
        .areas()
        .iter()
        .filter(|a| ["Camden", "Islington"].contains(&&*a.name))
        .map(|a| {
            a.polygon
                .0
                .iter()
                .map(|p| p.exterior().0.len())
                .sum::<usize>()
        })
        .sum();
    let doc = Document::parse(&text).unwrap();
    let drawn: usize = with_class(&doc, "borough")
        .iter()
        .filter(|n| ["Camden", "Islington"].contains(&n.attribute("data-name").unwrap()))
        .map(|n| {
            let d = n.attribute("d").unwrap();
            // Two numbers a point.
            d.split(|c: char| c.is_ascii_alphabetic() || c == ' ')
                .filter(|s| !s.is_empty())
                .count()
                / 2
        })
        .sum();
    assert!(
        drawn * 4 < full,
        "Camden and Islington: {drawn} points drawn of {full}"
    );
    assert!(text.len() < 40_000, "{} bytes", text.len());
    // Coordinates are rounded to 0.1 px.
    for n in with_class(&doc, "borough") {
        let d = n.attribute("d").unwrap();
        for num in d.split(|c: char| c.is_ascii_alphabetic() || c == ' ') {
            if let Some((_, frac)) = num.split_once('.') {
                assert_eq!(frac.len(), 1, "{num}");
            }
        }
    }
}

#[test]
fn an_empty_map_or_bad_numbers_draw_without_panicking() {
    let text = svg(&Map::default());
    Document::parse(&text).expect("an empty map is still a map");
    let bad = Map {
        markers: vec![Marker {
            number: 1,
            x: f64::NAN,
            y: 0.0,
            snap: false,
            title: "<&>".into(),
        }],
        cells: vec![MapCell {
            x: f64::INFINITY,
            y: 0.0,
            size: 250.0,
            class: GiClass::Hot99,
        }],
        ..Map::default()
    };
    let text = svg(&bad);
    Document::parse(&text).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
}
