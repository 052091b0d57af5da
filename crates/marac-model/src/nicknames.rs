//! Nicknames and short forms of first names, the one table that synthetic
//! data and linkage share, so both agree on which first names are
//! equivalent.

/// A nickname or short form and a formal name it may stand for, lower case
/// (as linkage folds names). A nickname may stand for several formal names
/// (`sam` for samuel and samantha): each entry is one possible equivalence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nickname {
    /// The nickname (`peggy`).
    pub nick: &'static str,
    /// The formal name (`margaret`).
    pub formal: &'static str,
    /// Among the most often recorded: synthetic data writes these (and no
    /// others), drawing among a formal name's common nicknames in table
    /// order. Linkage knows every entry.
    pub common: bool,
}

const fn common(nick: &'static str, formal: &'static str) -> Nickname {
    Nickname {
        nick,
        formal,
        common: true,
    }
}

const fn known(nick: &'static str, formal: &'static str) -> Nickname {
    Nickname {
        nick,
        formal,
        common: false,
    }
}

/// Every nickname: common English ones, and the Nigerian (`tunde` for
/// babatunde) and Polish (`kasia` for katarzyna) short forms that London
/// agencies record.
///
/// ```
/// use marac_model::nicknames::NICKNAMES;
/// assert!(NICKNAMES.iter().any(|n| n.nick == "peggy" && n.formal == "margaret"));
/// assert!(NICKNAMES.iter().any(|n| n.nick == "kasia" && n.formal == "katarzyna"));
/// assert!(NICKNAMES.len() >= 200);
/// ```
pub const NICKNAMES: &[Nickname] = &[
    common("bob", "robert"),
    common("rob", "robert"),
    common("bobby", "robert"),
    common("robbie", "robert"),
    known("bert", "robert"),
    common("bill", "william"),
    common("will", "william"),
    common("billy", "william"),
    known("willie", "william"),
    known("liam", "william"),
    common("peggy", "margaret"),
    common("maggie", "margaret"),
    common("meg", "margaret"),
    known("madge", "margaret"),
    known("margie", "margaret"),
    known("rita", "margaret"),
    common("liz", "elizabeth"),
    common("beth", "elizabeth"),
    common("betty", "elizabeth"),
    common("lizzie", "elizabeth"),
    known("bess", "elizabeth"),
    known("eliza", "elizabeth"),
    known("libby", "elizabeth"),
    common("jim", "james"),
    common("jimmy", "james"),
    common("jamie", "james"),
    common("jack", "john"),
    common("johnny", "john"),
    common("jon", "jonathan"),
    common("kate", "katherine"),
    common("katie", "katherine"),
    common("kathy", "katherine"),
    common("kate", "catherine"),
    common("cathy", "catherine"),
    known("cath", "catherine"),
    common("kath", "kathleen"),
    common("tony", "anthony"),
    common("dave", "david"),
    common("davey", "david"),
    common("mike", "michael"),
    common("mick", "michael"),
    known("mickey", "michael"),
    common("sue", "susan"),
    common("susie", "susan"),
    common("tom", "thomas"),
    common("tommy", "thomas"),
    common("alex", "alexander"),
    known("alex", "alexandra"),
    known("sandy", "alexandra"),
    common("sam", "samuel"),
    common("sam", "samantha"),
    known("sammy", "samuel"),
    common("dan", "daniel"),
    common("danny", "daniel"),
    common("chris", "christopher"),
    common("chris", "christine"),
    known("kit", "christopher"),
    common("nick", "nicholas"),
    known("nicky", "nicola"),
    common("pat", "patricia"),
    known("patty", "patricia"),
    known("trish", "patricia"),
    common("pat", "patrick"),
    common("paddy", "patrick"),
    common("dot", "dorothy"),
    common("dotty", "dorothy"),
    known("dolly", "dorothy"),
    common("ted", "edward"),
    common("ed", "edward"),
    common("eddie", "edward"),
    known("ned", "edward"),
    common("steve", "steven"),
    common("steve", "stephen"),
    common("andy", "andrew"),
    common("drew", "andrew"),
    common("rick", "richard"),
    common("dick", "richard"),
    common("rich", "richard"),
    known("ricky", "richard"),
    common("matt", "matthew"),
    common("ben", "benjamin"),
    known("benny", "benjamin"),
    common("pete", "peter"),
    common("phil", "philip"),
    common("ken", "kenneth"),
    common("kenny", "kenneth"),
    common("ron", "ronald"),
    common("ronnie", "ronald"),
    common("tim", "timothy"),
    known("timmy", "timothy"),
    common("josh", "joshua"),
    common("nate", "nathan"),
    known("nat", "nathaniel"),
    common("fred", "frederick"),
    common("freddie", "frederick"),
    common("bert", "albert"),
    known("al", "albert"),
    known("al", "alan"),
    common("terry", "terence"),
    common("ray", "raymond"),
    common("len", "leonard"),
    common("lenny", "leonard"),
    known("leo", "leonard"),
    common("gerry", "gerald"),
    common("doug", "douglas"),
    common("harry", "henry"),
    known("hal", "henry"),
    common("charlie", "charles"),
    known("chuck", "charles"),
    common("stan", "stanley"),
    common("joe", "joseph"),
    known("joey", "joseph"),
    common("jen", "jennifer"),
    common("jenny", "jennifer"),
    common("debbie", "deborah"),
    known("deb", "deborah"),
    common("becky", "rebecca"),
    known("becca", "rebecca"),
    common("vicky", "victoria"),
    known("tori", "victoria"),
    common("jackie", "jacqueline"),
    common("pam", "pamela"),
    common("gill", "gillian"),
    common("jill", "gillian"),
    common("mandy", "amanda"),
    common("jo", "joanne"),
    known("jo", "josephine"),
    known("josie", "josephine"),
    common("val", "valerie"),
    common("abby", "abigail"),
    common("kim", "kimberley"),
    common("fran", "frances"),
    known("frankie", "frances"),
    known("frank", "francis"),
    common("judy", "judith"),
    common("annie", "ann"),
    known("annie", "anne"),
    known("nan", "ann"),
    known("nancy", "ann"),
    common("mo", "mohammed"),
    known("mo", "maureen"),
    known("greg", "gregory"),
    known("jeff", "jeffrey"),
    known("geoff", "geoffrey"),
    known("larry", "lawrence"),
    known("les", "leslie"),
    known("reg", "reginald"),
    known("reggie", "reginald"),
    known("vince", "vincent"),
    known("wally", "walter"),
    known("walt", "walter"),
    known("archie", "archibald"),
    known("bernie", "bernard"),
    known("cliff", "clifford"),
    known("des", "desmond"),
    known("ernie", "ernest"),
    known("gus", "augustus"),
    known("jerry", "jeremy"),
    known("sid", "sidney"),
    known("toby", "tobias"),
    known("vic", "victor"),
    known("barb", "barbara"),
    known("babs", "barbara"),
    known("connie", "constance"),
    known("di", "diana"),
    known("di", "diane"),
    known("ellie", "eleanor"),
    known("nell", "eleanor"),
    known("nellie", "helen"),
    known("evie", "evelyn"),
    known("flo", "florence"),
    known("gina", "georgina"),
    known("hattie", "harriet"),
    known("jess", "jessica"),
    known("jessie", "jessica"),
    known("lou", "louise"),
    known("lulu", "louise"),
    known("maddie", "madeleine"),
    known("milly", "mildred"),
    known("molly", "mary"),
    known("polly", "mary"),
    known("mae", "mary"),
    known("rosie", "rosemary"),
    known("sally", "sarah"),
    known("sadie", "sarah"),
    known("steph", "stephanie"),
    known("tess", "teresa"),
    known("terri", "teresa"),
    known("trudy", "gertrude"),
    known("winnie", "winifred"),
    known("izzy", "isabel"),
    known("bella", "isabella"),
    known("carol", "caroline"),
    known("bea", "beatrice"),
    known("cassie", "cassandra"),
    known("em", "emily"),
    known("emmy", "emma"),
    known("lottie", "charlotte"),
    known("charlie", "charlotte"),
    known("ginny", "virginia"),
    known("hank", "henry"),
    common("manny", "emmanuel"),
    known("tina", "christina"),
    known("kris", "kristina"),
    known("angie", "angela"),
    common("mo", "muhammad"),
    common("tunde", "babatunde"),
    common("femi", "olufemi"),
    common("seun", "oluwaseun"),
    common("emeka", "chukwuemeka"),
    common("kasia", "katarzyna"),
    common("gosia", "małgorzata"),
    common("tomek", "tomasz"),
    common("kuba", "jakub"),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn entries_are_lower_case_and_distinct() {
        let mut seen = HashSet::new();
        for n in NICKNAMES {
            for name in [n.nick, n.formal] {
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_lowercase()),
                    "{name}"
                );
            }
            assert!(seen.insert((n.nick, n.formal)), "twice: {n:?}");
        }
        assert!(NICKNAMES.iter().filter(|n| n.common).count() >= 100);
    }
}
