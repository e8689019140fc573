import os.path as osp

from setuptools import find_packages, setup


def read_requirements(name):
    with open(osp.join(osp.dirname(__file__), 'requirements', name)) as f:
        return [line.split('#')[0].strip() for line in f
                if line.split('#')[0].strip()]


def read_version():
    scope = {}
    with open(osp.join(osp.dirname(__file__), 'ftplugin', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='ftplugin',
    version=read_version(),
    description='Fine-tuning workflows for small sensor and video datasets '
    'as mmengine / mmaction2 configs',
    long_description=open('README.md').read() if osp.isfile('README.md')
    else '',
    long_description_content_type='text/markdown',
    packages=find_packages(include=['ftplugin', 'ftplugin.*']),
    python_requires='>=3.9',
    install_requires=read_requirements('runtime.txt'),
    extras_require=dict(tests=read_requirements('tests.txt')),
    license='Apache-2.0',
    zip_safe=False,
)
