// MediaRules' per-type exceptions: size caps and the types that must be a
// post's only media item.
#include <algorithm>

#include "adapters/adapter.hpp"

namespace postsched::adapters {

const MediaRules::TypeRule* MediaRules::rule_for(std::string_view type) const {
    for (const auto& rule : by_type) {
        const bool family = rule.type.ends_with('/');
        if (family ? type.starts_with(rule.type) : type == rule.type)
            return &rule;
    }
    return nullptr;
}

std::size_t MediaRules::max_bytes_for(std::string_view type) const {
    const TypeRule* rule = rule_for(type);
    return rule && rule->max_bytes != 0 ? rule->max_bytes : max_bytes;
}

void MediaRules::cap_bytes(std::size_t cap) {
    if (cap == 0)
        return;
    max_bytes = std::min(max_bytes, cap);
    for (auto& rule : by_type) {
        if (rule.max_bytes != 0)
            rule.max_bytes = std::min(rule.max_bytes, cap);
    }
}

std::string MediaRules::mix_problem(const std::vector<std::string>& types) const {
    if (types.size() < 2)
        return "";
    const bool any_alone = std::any_of(types.begin(), types.end(), [this](const auto& type) {
        const TypeRule* rule = rule_for(type);
        return rule && rule->alone;
    });
    if (!any_alone)
        return "";
    std::string labels;
    for (const auto& rule : by_type) {
        if (rule.alone)
            labels += (labels.empty() ? "one " : " or one ") + rule.label;
    }
    return "takes " + labels + " per post, with no other media";
}

}  // namespace postsched::adapters
