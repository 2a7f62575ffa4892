#define BOOST_TEST_MODULE postsched integration tests
#include <boost/test/unit_test.hpp>
