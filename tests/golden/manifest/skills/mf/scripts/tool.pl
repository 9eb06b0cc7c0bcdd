#!/usr/bin/perl
print "hi\n";
