//! The week the console shows: records, the pipeline's decisions, what
//! changed since the last saved scan, and each BCU's pack (full and
//! redacted), built once per load.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use marac_agenda::{redact, Case, Pack};
use marac_pipeline::{Decisions, MeetingPlan, Packer, Records};
use marac_register::Changes;
use rayon::prelude::*;

use crate::{Console, ConsoleError};

/// A loaded week.
pub struct Loaded {
    /// The records.
    pub records: Records,
    /// The scan date.
    pub as_of: NaiveDate,
    /// The pipeline's decisions.
    pub decisions: Decisions,
    /// What changed since the previous saved scan.
    pub changes: Changes,
    /// BCU name → the week's pack (meeting on the scan date), full.
    pub packs: BTreeMap<String, Pack>,
    /// BCU name → the same pack, redacted.
    pub redacted: BTreeMap<String, Pack>,
    /// case reference → (BCU name, index in the pack's cases, or in its
    /// unplaced list when `true`).
    index: HashMap<String, (String, usize, bool)>,
    /// When it was loaded (UTC, RFC 3339).
    pub loaded_at: String,
    /// Meeting packs built so far (meeting reference → pack).
    meeting_packs: Mutex<HashMap<String, Arc<Pack>>>,
    chair: Option<String>,
}

/// Reads and decides the week, saves the scan, builds the packs.
pub(crate) fn load(console: &Console, user: &str) -> Result<Loaded, ConsoleError> {
    let as_of = console.as_of();
    let records = (console.load)(as_of).map_err(ConsoleError::Load)?;
    let mut reg = console.register(user)?;
    let week = records.week(as_of);
    let decisions = week
        .decide(Some(&mut reg), &console.settings.secret)
        .map_err(|marac_pipeline::PipelineError::Register(e)| ConsoleError::Register(e))?;
    let changes = decisions
        .save_scan(&mut reg, true)
        .map_err(|marac_pipeline::PipelineError::Register(e)| ConsoleError::Register(e))?
        .unwrap_or_default();
    let chair = console.settings.chair.clone();
    let bcus: Vec<String> = records
        .areas
        .bcus()
        .iter()
        .map(|b| b.name.to_string())
        .collect();
    let packer = Packer::new(&week, &decisions, MeetingPlan::on(as_of, chair.clone()));
    let built: Vec<(String, Pack)> = bcus
        .par_iter()
        .map(|b| (b.clone(), packer.pack(b)))
        .collect();
    drop(packer);
    let mut index = HashMap::new();
    for (bcu, pack) in &built {
        for (i, c) in pack.cases.iter().enumerate() {
            index.insert(c.case_ref.clone(), (bcu.clone(), i, false));
        }
        for (i, c) in pack.unplaced.iter().enumerate() {
            index
                .entry(c.case_ref.clone())
                .or_insert((bcu.clone(), i, true));
        }
    }
    let redacted = built
        .iter()
        .map(|(b, p)| (b.clone(), redact(p.clone())))
        .collect();
    Ok(Loaded {
        as_of,
        decisions,
        changes,
        packs: built.into_iter().collect(),
        redacted,
        index,
        loaded_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        meeting_packs: Mutex::new(HashMap::new()),
        chair,
        records,
    })
}

impl Loaded {
    /// A case on this week's agenda, full or redacted, with its BCU.
    pub fn case(&self, case_ref: &str, redacted: bool) -> Option<(&str, &Case)> {
        let (bcu, i, unplaced) = self.index.get(case_ref)?;
        let packs = if redacted {
            &self.redacted
        } else {
            &self.packs
        };
        let pack = packs.get(bcu)?;
        let list = if *unplaced {
            &pack.unplaced
        } else {
            &pack.cases
        };
        list.get(*i).map(|c| (bcu.as_str(), c))
    }

    /// The pack of a meeting of `bcu` on `date` (built once, then cached).
    pub fn meeting_pack(
        &self,
        meeting_ref: &str,
        bcu: &str,
        date: NaiveDate,
        chair: Option<&str>,
    ) -> Arc<Pack> {
        let mut cache = self.meeting_packs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = cache.get(meeting_ref) {
            return p.clone();
        }
        let week = self.records.week(self.as_of);
        let chair = chair.map(str::to_string).or_else(|| self.chair.clone());
        let pack =
            Arc::new(Packer::new(&week, &self.decisions, MeetingPlan::on(date, chair)).pack(bcu));
        cache.insert(meeting_ref.to_string(), pack.clone());
        pack
    }

    /// Forgets a meeting's cached pack (after it is closed or discarded).
    pub fn forget_meeting(&self, meeting_ref: &str) {
        self.meeting_packs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(meeting_ref);
    }

    /// The BCU names, in the areas' order.
    pub fn bcus(&self) -> Vec<&str> {
        self.records.areas.bcus().iter().map(|b| &*b.name).collect()
    }

    /// A BCU's short code.
    pub fn bcu_code(&self, bcu: &str) -> String {
        marac_pipeline::bcu_code(&self.records.areas, bcu)
    }
}
