// Streaming SHA-256 / MD5 / SHA-1 (OpenSSL EVP) with lowercase-hex results. Used for shard
// manifests and download verification; md5 and sha1 are what RedPajama's dedup steps use.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace rpdata::io {

class Hasher {
 public:
  enum class Algo { kSha256, kMd5, kSha1 };
  explicit Hasher(Algo algo = Algo::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::string_view data);
  // Lowercase hex digest; the hasher is reset afterwards.
  std::string hex_digest();
  // Raw digest bytes; the hasher is reset afterwards.
  std::string digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);
std::string md5_hex(std::string_view data);
// Hashes a whole file in 1 MiB reads; throws IoError naming the file.
std::string file_sha256_hex(const std::filesystem::path& path);

}  // namespace rpdata::io
