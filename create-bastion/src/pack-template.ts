// `npm pack` runs this (prepack): the repository, minus what is not part of an app, becomes template/.
import { fileURLToPath } from 'node:url';
import { copyRepositoryToTemplate } from './template-files.js';

const repositoryDir = fileURLToPath(new URL('../..', import.meta.url));
const templateDir = fileURLToPath(new URL('../template', import.meta.url));

copyRepositoryToTemplate(repositoryDir, templateDir);
console.log(`create-bastion: template copied from ${repositoryDir}`);
