#pragma once
// A unit the order does not name.
