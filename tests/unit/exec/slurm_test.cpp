#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "rpdata/exec/slurm.h"
#include "rpdata/io/fs.h"

namespace rpdata::exec {
namespace {

TEST(Slurm, ArraySpecCompressesRunsAndThrottles) {
  EXPECT_EQ(array_spec({0, 1, 2, 3}, 0), "0-3");
  EXPECT_EQ(array_spec({1, 3}, 2), "1,3%2");
  EXPECT_EQ(array_spec({0, 2, 3, 4, 7, 9, 10}, 0), "0,2-4,7,9-10");
  EXPECT_EQ(array_spec({5}, 1), "5%1");
}

TEST(Slurm, PendingRanksSkipDoneMarkersOfThisWorldSizeOnly) {
  namespace fs = std::filesystem;
  fs::path out = fs::temp_directory_path() / ("rpdata-slurm-test-" + std::to_string(::getpid()));
  fs::create_directories(out / "c4/_work/tasks");
  io::write_file_atomic(out / "c4/_work/tasks/rank-00001-of-00004.done", "{}\n");
  io::write_file_atomic(out / "c4/_work/tasks/rank-00002-of-00003.done", "{}\n");
  io::write_file_atomic(out / "c4/_work/tasks/rank-00003-of-00004.failed", "boom\n");
  SlurmSubmitOptions o;
  o.source = "c4";
  o.out = out;
  o.tasks = 4;
  EXPECT_EQ(pending_ranks(o), (std::vector<int>{0, 2, 3}));
  fs::remove_all(out);
}

TEST(Slurm, ScriptQuotesArgumentsAndPassesExplicitRank) {
  SlurmSubmitOptions o;
  o.rpdata = "/opt/rp data/rpdata";
  o.source = "c4";
  o.out = "/scratch/run";
  o.run_args = {"c4", "--mirror", "/m/it's"};
  o.tasks = 8;
  o.partition = "cpu";
  std::string s = sbatch_script(o, {2, 5});
  EXPECT_NE(s.find("#SBATCH --array=2,5\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --partition=cpu\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --output=/scratch/run/_slurm/logs/c4-%A_%a.out\n"), std::string::npos);
  EXPECT_NE(s.find("exec '/opt/rp data/rpdata' run 'c4' '--mirror' '/m/it'\\''s' --rank \"$SLURM_ARRAY_TASK_ID\" "
                   "--world-size 8\n"),
            std::string::npos);
  EXPECT_EQ(s.find("--mem"), std::string::npos);
}

}  // namespace
}  // namespace rpdata::exec
