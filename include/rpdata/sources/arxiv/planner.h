// ArXiv's download shape: the requester-pays S3 bucket (s3_planner.cpp).
#pragma once

#include "rpdata/download/planner.h"

namespace rpdata::sources::arxiv {

download::PlannerType s3_planner_type();

}  // namespace rpdata::sources::arxiv
