// Tests for runtime/page_pool: reuse, jumbo pages, move semantics, tiny page sizes.
#include "runtime/page_pool.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

TEST_CASE("page_pool: a page has the pool's page size and usable, aligned memory") {
  sluice::PagePool pool(4096);
  CHECK(pool.page_size() == 4096);
  CHECK(pool.system_allocations() == 0);
  sluice::Page p = pool.acquire();
  REQUIRE(p.valid());
  CHECK(p.capacity() == 4096);
  CHECK(reinterpret_cast<std::uintptr_t>(p.data()) % 64 == 0);
  std::memset(p.data(), 0xab, p.capacity());
  CHECK(p.data()[0] == 0xab);
  CHECK(p.data()[4095] == 0xab);
  CHECK(pool.system_allocations() == 1);
}

TEST_CASE("page_pool: the default page size is 64 KiB") {
  sluice::PagePool pool;
  CHECK(pool.page_size() == sluice::kDefaultPageSize);
  CHECK(sluice::kDefaultPageSize == 64 * 1024);
  CHECK(pool.acquire().capacity() == 64 * 1024);
}

TEST_CASE("page_pool: pages are reused over 10,000 acquire/release cycles") {
  sluice::PagePool pool(1024);
  const std::uint8_t* first = nullptr;
  for (int i = 0; i < 10000; ++i) {
    sluice::Page p = pool.acquire();
    REQUIRE(p.valid());
    if (i == 0) first = p.data();
    CHECK(p.data() == first);  // the freed page comes straight back
  }
  CHECK(pool.system_allocations() == 1);
  CHECK(pool.cached_pages() == 1);
}

TEST_CASE("page_pool: holding several pages at a time allocates each slot once") {
  sluice::PagePool pool(256);
  for (int i = 0; i < 10000; ++i) {
    sluice::Page a = pool.acquire();
    sluice::Page b = pool.acquire();
    sluice::Page c = pool.acquire();
    CHECK(a.data() != b.data());
    CHECK(b.data() != c.data());
    CHECK(a.data() != c.data());
  }
  CHECK(pool.system_allocations() == 3);
  CHECK(pool.cached_pages() == 3);
}

TEST_CASE("page_pool: at most kMaxCachedPages free pages are kept") {
  sluice::PagePool pool(64);
  const std::size_t n = sluice::kMaxCachedPages + 4;
  {
    std::vector<sluice::Page> pages;
    for (std::size_t i = 0; i < n; ++i) pages.push_back(pool.acquire());
    CHECK(pool.system_allocations() == n);
    CHECK(pool.cached_pages() == 0);
  }
  CHECK(pool.cached_pages() == sluice::kMaxCachedPages);
  {
    std::vector<sluice::Page> pages;
    for (std::size_t i = 0; i < n; ++i) pages.push_back(pool.acquire());
    // The cached pages are reused; only the rest are new.
    CHECK(pool.system_allocations() == n + (n - sluice::kMaxCachedPages));
  }
}

TEST_CASE("page_pool: jumbo pages fit their request and are not cached") {
  sluice::PagePool pool(100);
  sluice::Page small = pool.acquire_at_least(100);
  CHECK(small.capacity() == 100);
  sluice::Page tiny = pool.acquire_at_least(1);
  CHECK(tiny.capacity() == 100);  // a standard page when it fits
  CHECK(pool.system_allocations() == 2);

  sluice::Page jumbo = pool.acquire_at_least(101);
  REQUIRE(jumbo.valid());
  CHECK(jumbo.capacity() == 101);
  std::memset(jumbo.data(), 7, 101);
  CHECK(jumbo.data()[100] == 7);
  CHECK(pool.system_allocations() == 3);
  jumbo.reset();
  CHECK_FALSE(jumbo.valid());
  CHECK(pool.cached_pages() == 0);  // a jumbo page is freed, never cached

  sluice::Page big = pool.acquire_at_least(1 << 20);
  CHECK(big.capacity() == (1u << 20));
  CHECK(pool.system_allocations() == 4);
  big = sluice::Page();
  CHECK(pool.cached_pages() == 0);

  // Standard pages still cycle through the cache afterwards.
  small.reset();
  CHECK(pool.cached_pages() == 1);
  sluice::Page again = pool.acquire_at_least(50);
  CHECK(pool.system_allocations() == 4);
  CHECK(pool.cached_pages() == 0);
}

TEST_CASE("page_pool: jumbo requests repeated 1,000 times never grow the cache") {
  sluice::PagePool pool(16);
  for (int i = 0; i < 1000; ++i) {
    sluice::Page j = pool.acquire_at_least(17 + static_cast<std::size_t>(i % 5));
    CHECK(j.capacity() == 17 + static_cast<std::size_t>(i % 5));
  }
  CHECK(pool.cached_pages() == 0);
  CHECK(pool.system_allocations() == 1000);
}

TEST_CASE("page_pool: move construction and move assignment transfer ownership") {
  sluice::PagePool pool(32);
  sluice::Page a = pool.acquire();
  std::uint8_t* const data = a.data();
  a.data()[0] = 42;

  sluice::Page b(std::move(a));
  CHECK_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(a.data() == nullptr);
  CHECK(a.capacity() == 0);
  REQUIRE(b.valid());
  CHECK(b.data() == data);
  CHECK(b.capacity() == 32);
  CHECK(b.data()[0] == 42);

  sluice::Page c;
  CHECK_FALSE(c.valid());
  c = std::move(b);
  CHECK_FALSE(b.valid());  // NOLINT(bugprone-use-after-move)
  CHECK(c.data() == data);
  CHECK(pool.cached_pages() == 0);

  // Assigning over a live page gives the old one back to the pool.
  sluice::Page d = pool.acquire();
  std::uint8_t* const d_data = d.data();
  CHECK(pool.system_allocations() == 2);
  d = std::move(c);
  CHECK(d.data() == data);
  CHECK(pool.cached_pages() == 1);
  sluice::Page e = pool.acquire();
  CHECK(e.data() == d_data);
  CHECK(pool.system_allocations() == 2);

  // Self-move-assignment keeps the page.
  sluice::Page& alias = d;
  d = std::move(alias);
  CHECK(d.valid());
  CHECK(d.data() == data);
}

TEST_CASE("page_pool: a page moved into a container still returns to its pool") {
  sluice::PagePool pool(8);
  {
    std::vector<sluice::Page> pages;
    for (int i = 0; i < 5; ++i) pages.push_back(pool.acquire());  // reallocations move pages
    CHECK(pool.system_allocations() == 5);
  }
  CHECK(pool.cached_pages() == 5);
}

TEST_CASE("page_pool: reset is idempotent and a default page is empty") {
  sluice::PagePool pool(8);
  sluice::Page p = pool.acquire();
  p.reset();
  CHECK(pool.cached_pages() == 1);
  p.reset();
  CHECK(pool.cached_pages() == 1);
  sluice::Page none;
  none.reset();
  CHECK_FALSE(none.valid());
  CHECK(none.capacity() == 0);
}

TEST_CASE("page_pool: page size 1 (and 0, which means 1)") {
  sluice::PagePool one(1);
  CHECK(one.page_size() == 1);
  for (int i = 0; i < 1000; ++i) {
    sluice::Page p = one.acquire();
    REQUIRE(p.capacity() == 1);
    p.data()[0] = static_cast<std::uint8_t>(i);
    CHECK(p.data()[0] == static_cast<std::uint8_t>(i));
  }
  CHECK(one.system_allocations() == 1);
  sluice::Page two = one.acquire_at_least(2);
  CHECK(two.capacity() == 2);

  sluice::PagePool zero(0);
  CHECK(zero.page_size() == 1);
  CHECK(zero.acquire().capacity() == 1);
}
