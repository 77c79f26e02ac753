import { DAY, Rng, scoped } from './core';
import { TOPICS, INDUSTRIES, SENIORITY, jobTitle, lessonTitle as lessonTitleText } from './text';
import { T, TRACKS } from './topology';
import { lastOne, skillName, type World } from './world';

/**
 * Names and profile facts that more than one store (or a file) shows: course, lesson, material and
 * job titles, a student's education and experience, a company's name and industry. One function
 * each, so PostgreSQL, MongoDB and the S3 files print the same thing.
 */

const rngOf = (w: World, scope: string, i: number) => Rng.at(w.seed, scoped('catalog', scope), i);

export function courseSkillNames(w: World, k: number): string[] {
  return Array.from({ length: w.t.shape.skillsPerCourse }, (_, i) => skillName(w.t.courseSkill(k, i)));
}

export function courseTitle(w: World, k: number): string {
  const suffix = ['Fundamentals', 'Masterclass', 'Bootcamp', 'in Practice', 'for Beginners', 'Deep Dive'][w.h('course_title', k) % 6];
  return `${skillName(w.t.courseSkill(k, 0))} ${suffix}`;
}

export function courseLevel(w: World, k: number): string {
  return ['beginner', 'intermediate', 'advanced'][w.h('course_level', k) % 3];
}

export function topicOf(w: World, module: number): string {
  return TOPICS[(module % w.t.shape.modulesPerCourse + w.h('topic', w.t.courseOfModule(module))) % TOPICS.length];
}

export function lessonTitle(w: World, l: number): string {
  const k = w.t.courseOfLesson(l);
  return lessonTitleText(rngOf(w, 'lesson', l), w.t.lessonType(l), skillName(w.t.courseSkill(k, l % w.t.shape.skillsPerCourse)), topicOf(w, w.t.moduleOfLesson(l)));
}

export function materialTitle(w: World, m: number, course: number): string {
  const kind = ['Cheat sheet', 'Workbook', 'Slides', 'Review checklist'][w.h('material_kind', m) % 4];
  return `${courseTitle(w, course)}: ${kind}`;
}

const EDUCATION = [
  ["Bachelor's degree", 22, 40],
  ["Master's degree", 24, 20],
  ['Bootcamp', 25, 15],
  ['High school', 18, 10],
  ['Associate degree', 20, 8],
  ['PhD', 28, 7],
] as const;

export interface StudentProfile {
  birth: number;
  education: string;
  graduationYear: number;
  years: number;
  track: string;
  headline: string;
}

/**
 * A student's age, education and experience agree: graduation at the usual age for the degree
 * (so in the future for some), experience only after 18 and never beyond what their age allows.
 */
export const studentProfile = lastOne(planProfile);

function planProfile(w: World, s: number): StudentProfile {
  const r = rngOf(w, 'student', s);
  const age = 18 + Math.floor(r.next() ** 1.6 * 27);
  const yearOfAsOf = new Date(w.asOf).getUTCFullYear();
  const birthYear = yearOfAsOf - age - 1;
  const birth = Date.UTC(birthYear, r.int(0, 11), r.int(1, 28));
  let [education, gradAge] = age < 20 ? ['High school', 18] : (() => {
    const pick = r.weighted(EDUCATION.map(([n, a, wt]) => [[n, a] as const, wt] as const));
    return [pick[0], pick[1]] as const;
  })();
  if (gradAge > age + 4) (education = 'High school'), (gradAge = 18);
  const graduationYear = birthYear + gradAge + r.int(0, 1);
  const maxYears = Math.max(0, Math.min(15, age - 18 - (gradAge > 18 ? Math.min(gradAge - 18, 4) : 0)));
  const years = Math.round(r.next() * maxYears * 10) / 10;
  const track = TRACKS[w.t.track(s)];
  const first = skillName(w.t.studentSkill(s, 0));
  const headline = years < 1 ? `Aspiring ${track === 'design' ? 'product designer' : `${track} developer`} learning ${first}` : `${track === 'design' ? 'Product designer' : `${track.charAt(0).toUpperCase()}${track.slice(1)} developer`} | ${first}`;
  return { birth, education, graduationYear, years, track, headline };
}

export function companyName(w: World, co: number): string {
  const pool = w.person(w.t.userOfCompany(co)).locale.companies;
  return pool[w.h('company_name', co) % pool.length];
}
export function companyIndustry(w: World, co: number): string {
  return co === 0 ? 'Software' : INDUSTRIES[w.h('industry', co) % INDUSTRIES.length];
}

export function jobTitleOf(w: World, j: number): string {
  const r = rngOf(w, 'job_title', j);
  const seniority = SENIORITY[w.h('seniority', j) % SENIORITY.length];
  return jobTitle(r, TRACKS[j % T], skillName(w.t.jobSkill(j, 0)), seniority);
}
export function jobYears(w: World, j: number): number {
  return [0, 2, 4, 7][w.h('seniority', j) % SENIORITY.length];
}

/** Days a student's resume was uploaded after they joined (the file and the analysis agree). */
export function resumeUploadedAt(w: World, s: number): number {
  const lo = w.actLo(s);
  const hi = Math.min(w.actHi(s), lo + 30 * DAY);
  return w.when(lo, hi, 'resume_uploaded', s);
}
