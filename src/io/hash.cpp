#include "rpdata/io/hash.h"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "rpdata/core/error.h"

namespace rpdata::io {

struct Hasher::Impl {
  const EVP_MD* md = nullptr;
  EVP_MD_CTX* ctx = nullptr;
  explicit Impl(Algo algo) {
    md = algo == Algo::kSha256 ? EVP_sha256() : algo == Algo::kMd5 ? EVP_md5() : EVP_sha1();
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, md, nullptr) != 1) throw Error("OpenSSL digest init failed");
  }
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(Algo algo) : impl_(std::make_unique<Impl>(algo)) {}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Hasher::digest() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &len);
  EVP_DigestInit_ex(impl_->ctx, impl_->md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Hasher::hex_digest() {
  static const char* kHex = "0123456789abcdef";
  std::string raw = digest();
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

std::string sha256_hex(std::string_view data) {
  Hasher h(Hasher::Algo::kSha256);
  h.update(data);
  return h.hex_digest();
}

std::string md5_hex(std::string_view data) {
  Hasher h(Hasher::Algo::kMd5);
  h.update(data);
  return h.hex_digest();
}

std::string file_sha256_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open for hashing", path.string());
  Hasher h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw IoError("read error while hashing", path.string());
  return h.hex_digest();
}

}  // namespace rpdata::io
