//! The linkage graph (petgraph): incident, person and place nodes; victim,
//! suspect, occurred-at and lives-at edges; and the questions the risk stage
//! asks of it.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use marac_model::Role;

use crate::place::Places;
use crate::Linkage;

/// A node of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// An incident, by input index.
    Incident(u32),
    /// A person, by person number.
    Person(u32),
    /// A place, by place number.
    Place(u32),
}

/// An edge of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// Incident → its victim.
    Victim,
    /// Incident → its suspect.
    Suspect,
    /// Incident → where it happened.
    OccurredAt,
    /// Person → their home.
    LivesAt,
}

/// Incidents, persons and places.
#[derive(Debug, Clone)]
pub struct LinkGraph {
    /// The graph.
    pub graph: DiGraph<Node, EdgeKind>,
    incident_nodes: Vec<NodeIndex>,
    person_nodes: Vec<NodeIndex>,
    place_nodes: Vec<NodeIndex>,
    /// Places with more incidents than this do not join case networks.
    pub place_degree_cap: usize,
}

impl LinkGraph {
    /// Builds the graph of a linkage and its places.
    pub fn build(linkage: &Linkage<'_>, places: &Places, place_degree_cap: usize) -> LinkGraph {
        let mut graph = DiGraph::new();
        let incident_nodes: Vec<NodeIndex> = (0..linkage.incidents.len() as u32)
            .map(|i| graph.add_node(Node::Incident(i)))
            .collect();
        let person_nodes: Vec<NodeIndex> = (0..linkage.clusters.persons as u32)
            .map(|p| graph.add_node(Node::Person(p)))
            .collect();
        let place_nodes: Vec<NodeIndex> = (0..places.info.len() as u32)
            .map(|p| graph.add_node(Node::Place(p)))
            .collect();
        let mut lives: Vec<(u32, u32)> = Vec::new();
        for (mi, m) in linkage.mentions.list.iter().enumerate() {
            let person = linkage.clusters.person_of[mi];
            let kind = match m.role {
                Some(Role::Suspect) => EdgeKind::Suspect,
                _ => EdgeKind::Victim,
            };
            graph.add_edge(
                incident_nodes[m.incident as usize],
                person_nodes[person as usize],
                kind,
            );
            if let Some(Some(home)) = places.home_of.get(mi) {
                lives.push((person, *home));
            }
        }
        for (i, p) in places.location_of.iter().enumerate() {
            if let Some(p) = p {
                graph.add_edge(
                    incident_nodes[i],
                    place_nodes[*p as usize],
                    EdgeKind::OccurredAt,
                );
            }
        }
        lives.sort_unstable();
        lives.dedup();
        for (person, home) in lives {
            graph.add_edge(
                person_nodes[person as usize],
                place_nodes[home as usize],
                EdgeKind::LivesAt,
            );
        }
        LinkGraph {
            graph,
            incident_nodes,
            person_nodes,
            place_nodes,
            place_degree_cap,
        }
    }

    /// Number of persons.
    pub fn persons(&self) -> usize {
        self.person_nodes.len()
    }

    fn number(&self, n: NodeIndex) -> u32 {
        match self.graph[n] {
            Node::Incident(x) | Node::Person(x) | Node::Place(x) => x,
        }
    }

    /// The persons of an incident with their roles, victim first.
    pub fn persons_of_incident(&self, incident: usize) -> Vec<(Role, u32)> {
        let Some(&n) = self.incident_nodes.get(incident) else {
            return Vec::new();
        };
        let mut v: Vec<(Role, u32)> = self
            .graph
            .edges_directed(n, Direction::Outgoing)
            .filter_map(|e| match e.weight() {
                EdgeKind::Victim => Some((Role::Victim, self.number(e.target()))),
                EdgeKind::Suspect => Some((Role::Suspect, self.number(e.target()))),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v
    }

    /// The incidents of a person (input indices, ascending), in one role or any.
    pub fn incidents_of_person(&self, person: u32, role: Option<Role>) -> Vec<u32> {
        let Some(&n) = self.person_nodes.get(person as usize) else {
            return Vec::new();
        };
        let mut v: Vec<u32> = self
            .graph
            .edges_directed(n, Direction::Incoming)
            .filter(|e| {
                matches!(
                    (role, e.weight()),
                    (None, EdgeKind::Victim | EdgeKind::Suspect)
                        | (Some(Role::Victim), EdgeKind::Victim)
                        | (Some(Role::Suspect), EdgeKind::Suspect)
                )
            })
            .map(|e| self.number(e.source()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn others(&self, person: u32, mine: Role, theirs: Role) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .incidents_of_person(person, Some(mine))
            .into_iter()
            .flat_map(|i| self.persons_of_incident(i as usize))
            .filter(|(r, p)| *r == theirs && *p != person)
            .map(|(_, p)| p)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The distinct victims of incidents where a person is the suspect.
    pub fn victims_of_suspect(&self, person: u32) -> Vec<u32> {
        self.others(person, Role::Suspect, Role::Victim)
    }

    /// The distinct suspects of incidents where a person is the victim.
    pub fn suspects_of_victim(&self, person: u32) -> Vec<u32> {
        self.others(person, Role::Victim, Role::Suspect)
    }

    /// Suspects linked to two or more distinct victims, with those victims.
    pub fn serial_perpetrators(&self) -> Vec<(u32, Vec<u32>)> {
        (0..self.persons() as u32)
            .filter_map(|p| {
                let v = self.victims_of_suspect(p);
                (v.len() >= 2).then_some((p, v))
            })
            .collect()
    }

    /// The home places of a person.
    pub fn homes_of_person(&self, person: u32) -> Vec<u32> {
        let Some(&n) = self.person_nodes.get(person as usize) else {
            return Vec::new();
        };
        let mut v: Vec<u32> = self
            .graph
            .edges_directed(n, Direction::Outgoing)
            .filter(|e| *e.weight() == EdgeKind::LivesAt)
            .map(|e| self.number(e.target()))
            .collect();
        v.sort_unstable();
        v
    }

    /// Case networks: groups of two or more persons joined through shared
    /// incidents, shared homes, or incidents at one place — but not through
    /// places with more than `place_degree_cap` incidents and residents
    /// (busy public places). Each group is sorted; groups by first person.
    pub fn case_networks(&self) -> Vec<Vec<u32>> {
        let n = self.persons();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn find(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                let q = p[x as usize];
                p[x as usize] = p[q as usize];
                x = q;
            }
            x
        }
        let join = |p: &mut Vec<u32>, group: &[u32]| {
            for w in group.windows(2) {
                let (a, b) = (find(p, w[0]), find(p, w[1]));
                if a != b {
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    p[hi as usize] = lo;
                }
            }
        };
        for i in 0..self.incident_nodes.len() {
            let ps: Vec<u32> = self
                .persons_of_incident(i)
                .into_iter()
                .map(|x| x.1)
                .collect();
            join(&mut parent, &ps);
        }
        for &pl in &self.place_nodes {
            let edges: Vec<_> = self.graph.edges_directed(pl, Direction::Incoming).collect();
            if edges.len() > self.place_degree_cap {
                continue;
            }
            let mut ps: Vec<u32> = Vec::new();
            for e in edges {
                match e.weight() {
                    EdgeKind::LivesAt => ps.push(self.number(e.source())),
                    EdgeKind::OccurredAt => ps.extend(
                        self.persons_of_incident(self.number(e.source()) as usize)
                            .into_iter()
                            .map(|x| x.1),
                    ),
                    _ => {}
                }
            }
            ps.sort_unstable();
            ps.dedup();
            join(&mut parent, &ps);
        }
        let mut groups: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for p in 0..n as u32 {
            let r = find(&mut parent, p);
            groups.entry(r).or_default().push(p);
        }
        groups.into_values().filter(|g| g.len() >= 2).collect()
    }
}
