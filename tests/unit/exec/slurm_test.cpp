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

TEST(Slurm, ArraysAboveMaxArraySizeSplitIntoChunksWithRankOffsets) {
  auto chunks = split_for_max_array_size({0, 1, 2, 3, 4, 7, 1000, 1001}, 1000);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].offset, 0);
  EXPECT_EQ(chunks[0].ranks, (std::vector<int>{0, 1, 2, 3, 4, 7}));
  EXPECT_EQ(chunks[1].offset, 1000);
  EXPECT_EQ(chunks[1].ranks, (std::vector<int>{1000, 1001}));
  SlurmSubmitOptions o;
  o.rpdata = "/bin/rpdata";
  o.source = "github";
  o.out = "/r";
  o.tasks = 1002;
  o.stage = "apply";
  o.after_ok = {"11", "12"};
  std::string s = sbatch_script(o, chunks[1]);
  EXPECT_NE(s.find("#SBATCH --array=0-1\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --output=/r/_slurm/logs/github-apply+1000-%A_%a.out\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --dependency=afterok:11:12\n"), std::string::npos);
  EXPECT_NE(s.find("--stage apply --rank \"$((SLURM_ARRAY_TASK_ID + 1000))\" --world-size 1002\n"), std::string::npos);
  EXPECT_EQ(job_stem(o, 1, 2), "github-apply-1");
  EXPECT_EQ(split_for_max_array_size({5, 6}, 0).size(), 1u);
}

TEST(Slurm, PendingRanksOfAStageReadThatStagesMarkers) {
  namespace fs = std::filesystem;
  fs::path out = fs::temp_directory_path() / ("rpdata-slurm-stage-" + std::to_string(::getpid()));
  fs::create_directories(out / "gh/_work/stages/main/_work/tasks");
  io::write_file_atomic(out / "gh/_work/stages/main/_work/tasks/rank-00000-of-00002.done", "{}\n");
  SlurmSubmitOptions o;
  o.source = "gh";
  o.out = out;
  o.tasks = 2;
  o.stage = "main";
  EXPECT_EQ(pending_ranks(o), (std::vector<int>{1}));
  o.stage = "apply";
  EXPECT_EQ(pending_ranks(o), (std::vector<int>{0, 1}));
  o.stage = "reduce";
  o.partition_stage = true;
  EXPECT_EQ(pending_ranks(o), (std::vector<int>{0, 1}));
  fs::remove_all(out);
}

}  // namespace
}  // namespace rpdata::exec
