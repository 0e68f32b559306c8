// `[dedup] kind = "url_membership"`: RedPajama's CommonCrawl digest dedup
// (togethercomputer/RedPajama-Data@f54b86f2:data_prep/cc/dedup/dedup_phase2.py) across units.
// Per file (unit x route) a {url: digest} dict keeps each URL's last digest at its first
// position; files are ranked (dump, file_order route, unit) as RedPajama's sorted glob; the
// winners round keeps the first URL of each digest, and the reduce keeps every record whose
// URL won some digest. Keys: key (the digest), url, file_order, scope ("run": digests meet
// across the dumps of a run; "dump": within one), partitions, drop_key.
#pragma once

#include "rpdata/dedup/kind.h"

namespace rpdata::sources::commoncrawl {

dedup::DedupKindType url_membership_kind_type();

}  // namespace rpdata::sources::commoncrawl
