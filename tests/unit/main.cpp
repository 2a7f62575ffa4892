#define BOOST_TEST_MODULE postsched unit tests
#include <boost/test/unit_test.hpp>
