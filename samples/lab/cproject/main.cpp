#include <iostream>
#include "shapes.h"

int main() {
    std::cout << area_circle(1.5) + area_square(2.0) << std::endl;
    return 0;
}
