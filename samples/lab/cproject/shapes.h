#ifndef SHAPES_H
#define SHAPES_H
#ifdef __cplusplus
extern "C" {
#endif
double area_circle(double r);
double area_square(double s);
#ifdef __cplusplus
}
#endif
#endif
