# Makes the archives at test time (binary files stay out of git).
set -e
mkdir -p payload/sub && echo one > payload/one.txt && echo two > payload/sub/two.txt && chmod 750 payload/sub && ln -s one.txt payload/link
tar -C payload -czf data.tar.gz . && tar -C payload -cjf data.tar.bz2 . && tar -C payload -cJf data.tar.xz .
rm -rf payload
