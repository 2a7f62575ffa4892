#include "core/model.hpp"

#include <array>
#include <utility>

namespace postsched {
namespace {

constexpr std::array<std::pair<PostStatus, std::string_view>, 6> k_post_names{{
    {PostStatus::draft, "draft"},
    {PostStatus::pending, "pending"},
    {PostStatus::posting, "posting"},
    {PostStatus::posted, "posted"},
    {PostStatus::failed, "failed"},
    {PostStatus::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<TargetStatus, std::string_view>, 8> k_target_names{{
    {TargetStatus::pending, "pending"},
    {TargetStatus::claimed, "claimed"},
    {TargetStatus::sending, "sending"},
    {TargetStatus::posted, "posted"},
    {TargetStatus::failed, "failed"},
    {TargetStatus::cancelled, "cancelled"},
    {TargetStatus::skipped, "skipped"},
    {TargetStatus::unknown, "unknown"},
}};

template <typename Table, typename E>
std::string_view name_of(const Table& table, E value) {
    for (const auto& [v, n] : table)
        if (v == value)
            return n;
    return "?";
}

template <typename E, typename Table>
std::optional<E> value_of(const Table& table, std::string_view name) {
    for (const auto& [v, n] : table)
        if (n == name)
            return v;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(PostStatus s) {
    return name_of(k_post_names, s);
}
std::string_view to_string(TargetStatus s) {
    return name_of(k_target_names, s);
}
std::optional<PostStatus> post_status_from(std::string_view s) {
    return value_of<PostStatus>(k_post_names, s);
}
std::optional<TargetStatus> target_status_from(std::string_view s) {
    return value_of<TargetStatus>(k_target_names, s);
}

}  // namespace postsched
